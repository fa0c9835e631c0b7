package io.kdump4j.cli;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kdump4j dmesg DUMP}: the kernel log, byte-identical to {@code makedumpfile --dump-dmesg}
 * of makedumpfile 1.7.2 (Debian 12's) by default; with {@code --caller-ids}, to makedumpfile 1.7.5
 * and later (Debian 13's 1.7.6, sid's 1.7.8), which add the caller-id column.
 */
@Command(name = "dmesg", mixinStandardHelpOptions = true,
        description = "Print the kernel log of a dump (same bytes as makedumpfile 1.7.2's --dump-dmesg, Debian 12's).")
final class DmesgCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DUMP", description = "ELF, kdump-compressed or flattened dump")
    Path dump;

    @Option(names = "--caller-ids", description = "Add the caller-id column (\"[      T1]\", \"[      C0]\") to every "
            + "record that has one, as makedumpfile 1.7.5 and later print it (Debian 13's 1.7.6).")
    boolean callerIds;

    @Override
    public Integer call() throws IOException {
        try (DumpFile d = Dumps.open(dump)) {
            KernelDump k = KernelDump.of(d); // a view: d's owner closes it
            List<LogRecord> records = KernelLog.read(k);
            OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
            if (callerIds) {
                KernelLog.writeMakedumpfileTextWithCallerIds(records, out);
            } else {
                KernelLog.writeMakedumpfileText(records, out);
            }
            out.flush();
        }
        return ExitCodes.OK;
    }
}
