package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.Note;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.printk.KernelLog;
import io.kdump4j.kernel.helpers.printk.LogRecord;
import io.kdump4j.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arm64 kdump cycle under qemu-system-aarch64 (scripts/e2e-arm64.sh, tests/e2e/README-arm64.md)
 * with kdump4j alone: in the guest, an aarch64 Java 25 runtime runs {@code kdump4j load}
 * (kexec_load through FFM: our device tree, ELF core header and purgatory) and
 * {@code kdump4j check}; the capture kernel runs {@code kdump4j save}; the script has already
 * compared kdump4j's dmesg of the saved dump with Debian's arm64 makedumpfile's. Here the saved
 * dump and the guest's check report are opened and checked against independent evidence (the
 * kernel config file, the capture kernel's own console). The no-Java variant plans the load on
 * the host and copies /proc/vmcore with dd. Runs only with {@code -Dkdump4j.e2e=true}.
 */
class KdumpCycleArm64E2eTest {
    @ParameterizedTest(name = "smp={0} java={1}")
    @CsvSource({"1, true", "2, true", "1, false"})
    void crashSaveAndReadOnArm64(int smp, boolean java) throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("kdump4j.e2e"), "the QEMU cycle runs with -Pe2e (-Dkdump4j.e2e=true)");
        Path root = Path.of(System.getProperty("kdump4j.root", "..")).toAbsolutePath().normalize();
        String tag = "junit-smp" + smp + (java ? "-java" : "-nojava");
        ProcessBuilder pb = new ProcessBuilder(root.resolve("scripts/e2e-arm64.sh").toString()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("SMP", String.valueOf(smp), "TAG", tag, "TIMEOUT", "600"));
        if (!java) {
            pb.environment().put("NO_JAVA", "1");
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.MINUTES));
        System.out.println(out);
        assertEquals(0, p.exitValue(), "scripts/e2e-arm64.sh failed");
        assertTrue(out.contains("makedumpfile (arm64) --dump-dmesg: identical to kdump4j dmesg"), out);

        Path work = Fixtures.cache().resolve("e2e-arm64").resolve(tag);
        String console = Files.readString(work.resolve("console.log"));
        assertTrue(console.contains("kexec-load-done rc=0 crash_loaded=1"), "our kexec_load plan was refused");
        assertTrue(console.contains("OF: fdt: Reserving"), "the capture kernel did not find our linux,elfcorehdr");
        // The capture kernel's command line carries cma=0 (kdump4j load adds it), and its own
        // memory report shows no CMA area, while the first kernel reserved Debian's default 64 MiB.
        List<String> memory = console.lines().filter(l -> l.contains("] Memory: ")).toList();
        assertEquals(2, memory.size(), memory.toString());
        assertFalse(memory.get(0).contains(" 0K cma-reserved"), memory.get(0));
        assertTrue(memory.get(1).contains(" 0K cma-reserved"), "the capture kernel reserved CMA: " + memory.get(1));

        String saved = java ? "vmcore" : "vmcore.elf";
        assertTrue(console.contains("save-done method=" + (java ? "kdump4j" : "dd")), console);
        if (java) {
            // the initramfs carries Debian's arm64 libdeflate and the save found it
            assertTrue(console.contains("pages compressed by libdeflate, level 1"), "zlib pages not by libdeflate: " + console);
        }
        try (DumpFile d = Dumps.open(work.resolve(saved))) {
            if (java) {
                assertEquals("kdump-compressed", d.details().format().id());
                assertEquals(31, d.details().dumpLevel().orElseThrow());
                assertEquals(List.of("zlib"), d.details().compression());
                assertFalse(d.details().incomplete(), "the saved dump is marked incomplete");
            }
            assertTrue(d.vmcoreinfo().isPresent(), "no VMCOREINFO: our VMCOREINFO PT_NOTE address was wrong");
            long prstatus = d.notes().stream().filter(n -> n.is("CORE", Note.NT_PRSTATUS)).count();
            // One per possible CPU: the PT_NOTEs of our header point at every CPU's crash_notes, and
            // the panic stopped the other CPUs, which saved their registers there.
            assertEquals(smp, prstatus, "NT_PRSTATUS notes with -smp " + smp);
            List<String> messages = KernelLog.read(KernelDump.open(d)).stream().map(LogRecord::message).toList();
            assertTrue(messages.contains("Kernel panic - not syncing: sysrq triggered crash"), "no panic record");
            assertTrue(messages.stream().anyMatch(m -> m.contains("PID: 1 Comm: init") && m.contains("Kdump: loaded")),
                    "no crashing-task record of /init");
        }
        if (java) {
            checkReport(work, Fixtures.cache().resolve("kernels/current-arm64/config"));
        }
    }

    /**
     * The guest's {@code kdump4j check --json}: ready, kexec_load named as the way (no
     * KEXEC_FILE), and the KALLSYMS_ALL trap reported exactly when the kernel's own config file
     * says it is not set.
     */
    private static void checkReport(Path work, Path kernelConfig) throws Exception {
        String json = Files.readString(work.resolve("check.json"));
        assertTrue(json.contains("\"verdict\": \"ready\""), json);
        String config = Files.readString(kernelConfig);
        boolean kallsymsAll = config.lines().anyMatch(l -> l.equals("CONFIG_KALLSYMS_ALL=y"));
        assertEquals(kallsymsAll ? "ok" : "warning", severity(json, "config.kallsyms-all"));
        if (!kallsymsAll) {
            assertEquals("info", severity(json, "kallsyms.text"), "the _text trap was not reported");
        }
        assertEquals(config.lines().anyMatch(l -> l.equals("CONFIG_KEXEC_FILE=y")), !json.contains("no CONFIG_KEXEC_FILE"));
        assertEquals("ok", severity(json, "capture.cma"));
        assertEquals("ok", severity(json, "loaded"));
    }

    private static String severity(String json, String id) {
        Matcher m = Pattern.compile("\"id\": \"" + Pattern.quote(id) + "\",\\s*\"severity\": \"([a-z]+)\"").matcher(json);
        assertTrue(m.find(), "no finding " + id + " in " + json);
        return m.group(1);
    }
}
