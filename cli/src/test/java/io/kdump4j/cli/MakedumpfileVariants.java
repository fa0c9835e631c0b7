package io.kdump4j.cli;

import io.kdump4j.testkit.Makedumpfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Every container and codec a user meets in the field, written at test time by Debian's
 * makedumpfile from the x86_64 fixture cores (cached by {@link Makedumpfile}, shared with the
 * format module's tests).
 */
final class MakedumpfileVariants {
    /** A variant: the case it was made from, its name, and the file. */
    record Variant(String fixtureCase, String name, Path file) {
        @Override
        public String toString() {
            return fixtureCase + " " + name;
        }
    }

    /** The x86_64 fixture cases: the x86_64 build of makedumpfile reads only x86_64 dumps. */
    static final List<String> X86_CASES = List.of(
            "x86_64-6.1.0-56-amd64/sysrq-elf",
            "x86_64-6.12.117+deb12-amd64/sysrq-elf");

    private MakedumpfileVariants() {
    }

    static List<Variant> all() throws IOException {
        List<Variant> out = new ArrayList<>();
        for (String c : X86_CASES) {
            out.add(new Variant(c, "zlib -d 31", Makedumpfile.variant(c, "c31.kdump", "-c", "-d", "31")));
            out.add(new Variant(c, "lzo -d 31", Makedumpfile.variant(c, "l31.kdump", "-l", "-d", "31")));
            out.add(new Variant(c, "zlib -d 1", Makedumpfile.variant(c, "c1.kdump", "-c", "-d", "1")));
            out.add(new Variant(c, "uncompressed -d 0", Makedumpfile.variant(c, "raw0.kdump", "-d", "0")));
            out.add(new Variant(c, "ELF -E -d 31", Makedumpfile.variant(c, "e31.elf", "-E", "-d", "31")));
            Path flat = Makedumpfile.variant(c, "f31.flat", "-F", "-c", "-d", "31");
            out.add(new Variant(c, "flattened zlib -d 31", flat));
            out.add(new Variant(c, "flattened, reassembled by makedumpfile -R",
                    Makedumpfile.reassembled(flat, Makedumpfile.dir(c).resolve("f31.R.kdump"))));
        }
        return out;
    }
}
