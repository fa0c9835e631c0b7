package io.kdump4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.testkit.Fixtures;
import io.kdump4j.testkit.Fuzz;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The VMCOREINFO parser on damaged text (the note comes from a dead kernel's memory and may be
 * anything): it never throws, every getter answers, a damaged line becomes a warning naming its
 * offset, and undamaged lines keep their values.
 */
class VmcoreinfoProperties {
    private static final List<byte[]> TEXTS = new ArrayList<>();

    static {
        try {
            for (String c : List.of("x86_64-6.1.0-56-amd64/sysrq-elf", "x86_64-6.12.117+deb12-amd64/sysrq-elf",
                    "arm64-6.1.0-56-arm64/sysrq")) {
                TEXTS.add(Files.readAllBytes(Fixtures.dir(c).resolve("vmcoreinfo.txt")));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static final List<String> KEYS = List.of("OSRELEASE", "BUILD-ID", "PAGESIZE", "CRASHTIME", "KERNELOFFSET");

    @Test
    void damagedTextNeverThrowsAndEveryGetterAnswers() {
        Fuzz.check("damaged VMCOREINFO", 2000, r -> {
            byte[] t = TEXTS.get(r.nextInt(TEXTS.size())).clone();
            int n = 1 + r.nextInt(6);
            for (int k = 0; k < n; k++) {
                byte[] junk = Fuzz.bytes(r, 1 + r.nextInt(6));
                int at = r.nextInt(t.length);
                System.arraycopy(junk, 0, t, at, Math.min(junk.length, t.length - at));
            }
            if (r.nextInt(4) == 0) {
                t = java.util.Arrays.copyOf(t, r.nextInt(t.length + 1));
            }
            Vmcoreinfo vi = Vmcoreinfo.parse("fuzz", 1000, t);
            for (String key : KEYS) {
                vi.text(key);
            }
            vi.osrelease();
            vi.buildId();
            vi.pageSize();
            vi.crashTime();
            vi.kernelOffset();
            vi.symbol("prb");
            vi.size("page");
            vi.offset("page", "flags");
            vi.length("mem_section");
            vi.number("phys_base");
            vi.number("PAGE_BUDDY_MAPCOUNT_VALUE");
            for (String w : vi.warnings()) {
                org.junit.jupiter.api.Assertions.assertTrue(w.contains("offset"), w);
            }
        });
    }

    @Test
    void linesUntouchedByDamageKeepTheirValues() {
        Fuzz.check("one damaged line", 500, r -> {
            byte[] clean = TEXTS.get(r.nextInt(TEXTS.size()));
            Map<String, String> before = Vmcoreinfo.parse("clean", 0, clean).entries();
            String[] lines = new String(clean, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n");
            int victim = r.nextInt(lines.length);
            String victimKey = lines[victim].contains("=") ? lines[victim].substring(0, lines[victim].indexOf('=')) : null;
            lines[victim] = new String(Fuzz.bytes(r, 1 + r.nextInt(20)), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .replace('\n', ' ');
            Vmcoreinfo vi = Vmcoreinfo.parse("fuzz", 0,
                    String.join("\n", lines).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, String> e : before.entrySet()) {
                if (!e.getKey().equals(victimKey) && !lines[victim].startsWith(e.getKey() + "=")) {
                    assertEquals(e.getValue(), vi.entries().get(e.getKey()), e.getKey());
                }
            }
        });
    }
}
