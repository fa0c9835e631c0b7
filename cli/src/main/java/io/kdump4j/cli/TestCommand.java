package io.kdump4j.cli;

import io.kdump4j.setup.check.CheckOptions;
import io.kdump4j.setup.check.CheckReport;
import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.check.Preflight;
import io.kdump4j.setup.config.Kdump4jConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kdump4j test [--yes]}: crashes this machine on purpose (sysrq-c), as {@code kdumpctl test}
 * does, to see the whole cycle work; refuses unless {@code kdump4j check} says ready.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Crash this machine now (echo c > /proc/sysrq-trigger) to test kdump end to end: the capture "
                + "kernel saves the dump and the machine reboots. Refuses unless kdump4j check says ready; asks first.",
            "Exit 2 when not ready or not confirmed (nothing done)."})
final class TestCommand implements Callable<Integer> {
    @Option(names = "--yes", description = "do not ask for confirmation")
    boolean yes;

    @Option(names = "--config", paramLabel = "FILE", description = "kdump4j config (default: /etc/kdump4j.conf)")
    Path config = Kdump4jConfig.DEFAULT_FILE;

    @Option(names = "--root", paramLabel = "DIR", hidden = true, description = "read /proc under DIR (tests: writes DIR/proc/sysrq-trigger)")
    Path root = Path.of("/");

    @Override
    public Integer call() throws IOException {
        Kdump4jConfig c = Kdump4jConfig.load(config);
        HostFiles host = new HostFiles(root);
        CheckOptions o = CheckOptions.defaults();
        Path initrd = c.initrdFor(host.readLine("/proc/sys/kernel/osrelease").orElse(""));
        if (Files.isRegularFile(initrd)) {
            o = o.withInitrd(initrd);
        }
        CheckReport r = Preflight.run(host, o);
        if (r.exitCode() != 0) {
            System.out.print(CheckCommand.toText(r));
            System.err.println("kdump4j: not testing: kdump4j check says this machine is not ready (above); nothing was done");
            return ExitCodes.USAGE;
        }
        if (!yes) {
            System.out.print("This crashes the machine now (sysrq-c); the capture kernel saves the dump and reboots. Type yes: ");
            System.out.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (!"yes".equals(answer == null ? null : answer.strip())) {
                System.err.println("kdump4j: not confirmed; nothing was done");
                return ExitCodes.USAGE;
            }
        }
        System.err.println("kdump4j: crashing now (sysrq-c)");
        Path sysrq = root.resolve("proc/sys/kernel/sysrq");
        if (Files.isWritable(sysrq)) {
            Files.writeString(sysrq, "1\n");
        }
        Files.writeString(root.resolve("proc/sysrq-trigger"), "c\n");
        return ExitCodes.OK;
    }
}
