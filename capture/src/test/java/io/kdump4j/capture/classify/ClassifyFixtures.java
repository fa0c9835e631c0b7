package io.kdump4j.capture.classify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.capture.Compression;
import io.kdump4j.capture.SaveOptions;
import io.kdump4j.capture.SaveResult;
import io.kdump4j.capture.Saver;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.mem.PhysicalMemory;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Shared helpers of the classifier tests: our saves with the struct page classifier, cached per JVM. */
public final class ClassifyFixtures {
    public static final String X86_61 = "x86_64-6.1.0-56-amd64/sysrq-elf";
    public static final String X86_612 = "x86_64-6.12.117+deb12-amd64/sysrq-elf";
    public static final String ARM64_61 = "arm64-6.1.0-56-arm64/sysrq";

    private static final Map<String, Path> SAVED = new ConcurrentHashMap<>();
    private static Path work;

    private ClassifyFixtures() {
    }

    /** Scratch space for large outputs: /dev/shm when it has room, else the temporary directory. */
    static synchronized Path work() throws IOException {
        if (work == null) {
            Path shm = Path.of("/dev/shm");
            boolean roomy = Files.isDirectory(shm) && Files.isWritable(shm)
                    && Files.getFileStore(shm).getUsableSpace() > (4L << 30);
            work = roomy ? Files.createTempDirectory(shm, "kdump4j-classify-test")
                    : Files.createTempDirectory("kdump4j-classify-test");
            Path w = work;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (var s = Files.walk(w)) {
                    s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException e) {
                    // best effort cleanup of a temporary directory
                }
            }));
        }
        return work;
    }

    /** Our kdump-compressed save of a fixture's ELF core at {@code level}, classified from struct page; made once. */
    public static Path ours(String c, int level, Compression compression) throws IOException {
        String key = c + "|" + level + "|" + compression;
        Path have = SAVED.get(key);
        if (have != null) {
            return have;
        }
        synchronized (SAVED) {
            Path out = work().resolve(c.replace('/', '_') + ".d" + level + "." + compression);
            try (KernelDump k = KernelDump.open(Dumps.open(Fixtures.elfCore(c)))) {
                SaveOptions o = SaveOptions.defaults().withLevels(level).withCompression(compression).withThreads(2)
                        .withTimestamp(Instant.ofEpochSecond(1_800_000_000L))
                        .withClassifier(StructPageClassifier.open(k));
                SaveResult r = Saver.save(k.dump(), o, out);
                assertTrue(r.complete(), () -> "our save of " + c + " at level " + level + ": " + r.problem());
            }
            SAVED.put(key, out);
            return out;
        }
    }

    /** Frames in one set and not the other, shortly: the count and the first few, in hex. */
    public static String difference(BitSet expected, BitSet actual) {
        BitSet d = (BitSet) expected.clone();
        d.xor(actual);
        StringBuilder b = new StringBuilder().append(d.cardinality()).append(" frames differ");
        int shown = 0;
        for (int i = d.nextSetBit(0); i >= 0 && shown < 16; i = d.nextSetBit(i + 1), shown++) {
            b.append(shown == 0 ? ": " : ", ").append(expected.get(i) ? "-0x" : "+0x").append(Integer.toHexString(i));
        }
        return b.toString();
    }

    /** Fails unless the two frame sets are equal, naming a few differences (- only expected, + only actual). */
    public static void assertSameFrames(BitSet expected, BitSet actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": " + difference(expected, actual));
        }
    }

    /** The frames a dump holds (its 2nd bitmap, as the format module reads it). */
    public static BitSet dumped(Path dump) throws IOException {
        try (DumpFile d = Dumps.open(dump)) {
            PhysicalMemory m = d.memory();
            BitSet b = new BitSet();
            for (long pfn = 0; pfn < m.maxPfn(); pfn++) {
                if (m.state(pfn) == PhysicalMemory.PageState.PRESENT) {
                    b.set(Math.toIntExact(pfn));
                }
            }
            return b;
        }
    }
}
