package io.kdump4j.kernel.helpers.printk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.format.Dumps;
import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** dmesg of every fixture dump, byte-identical to {@code makedumpfile --dump-dmesg} (Debian 1.7.2). */
class KernelLogFixtureTest {

    /** The fixtures' own ELF cores (not the makedumpfile variants made from them). */
    static List<FixtureDumps.Case> ownElfCores() throws IOException {
        return cases().stream().filter(c -> c.elf() && c.path().getFileName().toString().equals("vmcore.elf")).toList();
    }

    static List<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.withDmesg();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dmesgIsByteIdenticalToMakedumpfile(FixtureDumps.Case c) throws IOException {
        byte[] golden = Files.readAllBytes(c.golden("dmesg.makedumpfile.txt").orElseThrow());
        try (KernelDump k = FixtureDumps.open(c)) {
            List<LogRecord> records = KernelLog.read(k);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            KernelLog.writeMakedumpfileText(records, out);
            byte[] ours = out.toByteArray();
            int mismatch = Arrays.mismatch(golden, ours);
            if (mismatch >= 0) {
                int from = Math.max(0, mismatch - 80);
                String expected = new String(golden, from, Math.min(golden.length, mismatch + 80) - from, StandardCharsets.ISO_8859_1);
                String actual = new String(ours, from, Math.max(0, Math.min(ours.length, mismatch + 80) - from), StandardCharsets.ISO_8859_1);
                assertEquals(expected, actual, "first difference at byte " + mismatch + " of " + golden.length);
            }
            assertEquals(golden.length, ours.length);
        }
    }

    /**
     * The same through 64 KiB mapping chunks of the ELF cores, so that descriptors, infos and
     * texts straddle chunk boundaries of the mapped file.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("ownElfCores")
    void dmesgThroughSmallMappingChunks(FixtureDumps.Case c) throws IOException {
        byte[] golden = Files.readAllBytes(c.golden("dmesg.makedumpfile.txt").orElseThrow());
        try (KernelDump k = KernelDump.open(Dumps.open(c.path(), 16))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            KernelLog.writeMakedumpfileText(KernelLog.read(k), out);
            assertArrayEquals(golden, out.toByteArray());
        }
    }

    /** Facts from the fixture README: the panic message is the last thing the kernel logged before kexec. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void recordsAreInSequenceAndHoldThePanic(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            List<LogRecord> records = KernelLog.read(k);
            assertTrue(records.size() > 100);
            for (int i = 1; i < records.size(); i++) {
                assertEquals(records.get(i - 1).sequence() + 1, records.get(i).sequence(), "sequence gap at " + i);
            }
            assertTrue(records.stream().anyMatch(r -> r.message().equals("Kernel panic - not syncing: sysrq triggered crash")));
            assertTrue(records.stream().limit(3).anyMatch(r -> r.message().startsWith("Linux version " + k.release())));
            assertTrue(records.stream().anyMatch(r -> !r.subsystem().isEmpty() && !r.device().isEmpty()),
                    "some dev_printk records carry dev_info");
        }
    }
}
