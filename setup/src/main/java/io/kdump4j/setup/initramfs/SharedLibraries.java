package io.kdump4j.setup.initramfs;

import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ElfHeader;
import io.kdump4j.format.elf.ProgramHeader;
import io.kdump4j.format.io.ChannelByteSource;
import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The shared libraries a Java runtime loads, found the way the dynamic loader finds them but
 * without running anything: each ELF's {@code PT_INTERP} and {@code DT_NEEDED} entries, looked up
 * in the runtime itself ({@code $ORIGIN} run paths) and then in a system root's multiarch library
 * folders. The system root is {@code /} for a runtime of the host's architecture, or a folder of
 * unpacked Debian packages for another one (an aarch64 runtime built on an x86_64 host, where
 * {@code ldd} cannot run the target's loader).
 *
 * <p>Each library goes into the initramfs at {@code /lib/<triplet>/<name>}, a folder Debian's
 * glibc searches without an {@code ld.so.cache}; the loader goes at its {@code PT_INTERP} path.
 */
public final class SharedLibraries {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    /** Larger ELF headers or dynamic sections than this are not a shared library we bundle. */
    private static final long MAX_TABLE = 1 << 20;

    private SharedLibraries() {
    }

    /** What one ELF file asks of the dynamic loader. */
    record Dynamic(int machine, String interpreter, List<String> needed) {
    }

    /**
     * Archive path (without the leading slash) to the file to store there, for every library the
     * runtime's {@code bin/java} and {@code lib/**.so} need, transitively.
     */
    public static TreeMap<String, Path> resolve(Path runtime, Path sysroot) throws IOException {
        return resolve(runtime, sysroot, List.of());
    }

    /**
     * As {@link #resolve(Path, Path)}, plus the libraries named in {@code dlopened} (and what they
     * need): libraries that kdump4j itself opens by soname at run time (libdeflate), which no
     * {@code DT_NEEDED} names. One that is in no library folder of the system root is left out;
     * kdump4j then runs without it.
     */
    public static TreeMap<String, Path> resolve(Path runtime, Path sysroot, List<String> dlopened) throws IOException {
        List<Path> roots = new ArrayList<>();
        roots.add(runtime.resolve("bin/java"));
        Set<String> own = new HashSet<>();
        try (Stream<Path> s = Files.walk(runtime.resolve("lib"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().toList()) {
                roots.add(p);
                own.add(p.getFileName().toString());
            }
        }
        Walk walk = new Walk(sysroot, own);
        walk.all(roots);
        for (String name : dlopened) {
            Path file = walk.seen.add(name) ? walk.library(name) : null;
            if (file != null) {
                walk.all(List.of(file));
            }
        }
        return walk.out;
    }

    /** The transitive walk over PT_INTERP and DT_NEEDED, sharing what was found. */
    private static final class Walk {
        final TreeMap<String, Path> out = new TreeMap<>();
        final Set<String> seen = new HashSet<>();
        final Path sysroot;
        final Set<String> own;
        String triplet;

        Walk(Path sysroot, Set<String> own) {
            this.sysroot = sysroot;
            this.own = own;
        }

        void all(List<Path> roots) throws IOException {
            Deque<Path> work = new ArrayDeque<>(roots);
            while (!work.isEmpty()) {
                Path elf = work.pop();
                Dynamic d = read(elf);
                if (d == null) {
                    continue;
                }
                if (triplet == null) {
                    triplet = triplet(d.machine(), elf);
                }
                if (d.interpreter() != null && seen.add(d.interpreter())) {
                    Path file = find(sysroot, d.interpreter());
                    if (file == null) {
                        throw new IOException(elf + ": its loader " + d.interpreter() + " is not under " + sysroot);
                    }
                    out.put(d.interpreter().substring(1), file);
                }
                for (String name : d.needed()) {
                    if (own.contains(name) || !seen.add(name)) {
                        continue;
                    }
                    Path file = library(name);
                    if (file == null) {
                        throw new IOException(elf + " needs " + name + ", which is in no library folder of " + sysroot
                                + " (for another architecture, unpack its libc6, libgcc-s1, libstdc++6 and zlib1g there)");
                    }
                    work.add(file);
                }
            }
        }

        /** Finds {@code name} in the library folders and records it, or returns null. */
        Path library(String name) throws IOException {
            for (String dir : List.of("/lib/" + triplet, "/usr/lib/" + triplet, "/lib64", "/lib", "/usr/lib")) {
                Path file = find(sysroot, dir + "/" + name);
                if (file != null) {
                    out.put("lib/" + triplet + "/" + name, file);
                    return file;
                }
            }
            return null;
        }
    }

    /** The Debian multiarch folder name for an ELF machine. */
    static String triplet(int machine, Path elf) throws IOException {
        return switch (machine) {
            case io.kdump4j.format.elf.ElfConstants.EM_X86_64 -> "x86_64-linux-gnu";
            case io.kdump4j.format.elf.ElfConstants.EM_AARCH64 -> "aarch64-linux-gnu";
            default -> throw new IOException(elf + ": ELF machine " + machine + " is neither x86_64 nor aarch64");
        };
    }

    /**
     * {@code path} inside {@code sysroot} with its links followed inside it (an absolute link target
     * is taken from the system root, not the host), or null. Also tries {@code /usr} + path, as a
     * merged-/usr system's loader paths ({@code /lib/...}) exist only through its /lib link.
     */
    static Path find(Path sysroot, String path) throws IOException {
        for (String p : List.of(path, "/usr" + path)) {
            Path f = follow(sysroot, p);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static Path follow(Path sysroot, String path) throws IOException {
        String p = path;
        for (int hops = 0; hops < 40; hops++) {
            Path f = sysroot.resolve(p.substring(1));
            // a link in a parent folder (lib -> usr/lib) is followed by resolving the parent
            Path parent = f.getParent();
            if (parent != null && !Files.exists(parent)) {
                return null;
            }
            if (Files.isSymbolicLink(f)) {
                String target = Files.readSymbolicLink(f).toString();
                p = target.startsWith("/") ? target
                        : Path.of(p).getParent().resolve(target).normalize().toString();
                continue;
            }
            if (Files.isRegularFile(f)) {
                return f.toRealPath();
            }
            return null;
        }
        throw new IOException(sysroot + path + ": more than 40 symbolic links");
    }

    /** The loader and needed libraries of an ELF file, or null when it is not an ELF file. */
    static Dynamic read(Path file) throws IOException {
        try (ChannelByteSource src = new ChannelByteSource(file)) {
            if (src.size() < 64 || !ElfDump.matches(src.read(0, 16, "ELF identification"))) {
                return null;
            }
            ElfHeader eh = ElfHeader.read(src);
            if (eh.elfClass() != ElfConstants.ELFCLASS64) {
                throw new DumpFormatException(file.toString(), 4, "not a 64-bit ELF file");
            }
            String interp = null;
            ProgramHeader dynamic = null;
            for (ProgramHeader p : eh.programHeaders()) {
                if (p.type() == PT_INTERP) {
                    interp = cString(table(src, p.offset(), p.filesz(), "PT_INTERP"), 0);
                } else if (p.type() == PT_DYNAMIC) {
                    dynamic = p;
                }
            }
            if (dynamic == null) {
                return new Dynamic(eh.machine(), interp, List.of());
            }
            Cursor dyn = Cursor.at(src, dynamic.offset(), (int) Math.min(dynamic.filesz(), MAX_TABLE) & ~15, eh.order(),
                    "PT_DYNAMIC");
            long strtab = -1;
            List<Long> needed = new ArrayList<>();
            while (dyn.remaining() >= 16) {
                long tag = dyn.s64("d_tag");
                long val = dyn.s64("d_val");
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_NEEDED) {
                    needed.add(val);
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                }
            }
            if (needed.isEmpty()) {
                return new Dynamic(eh.machine(), interp, List.of());
            }
            // DT_STRTAB is an address; the PT_LOAD that holds it gives its file offset.
            ProgramHeader load = null;
            for (ProgramHeader p : eh.programHeaders()) {
                if (p.type() == PT_LOAD && Long.compareUnsigned(strtab - p.vaddr(), p.filesz()) < 0) {
                    load = p;
                    break;
                }
            }
            if (load == null) {
                throw new DumpFormatException(file.toString(), dynamic.offset(), "DT_STRTAB 0x"
                        + Long.toHexString(strtab) + " is in no PT_LOAD");
            }
            long strOff = strtab - load.vaddr() + load.offset();
            byte[] str = table(src, strOff, Math.min(load.vaddr() + load.filesz() - strtab, MAX_TABLE), "DT_STRTAB");
            List<String> names = new ArrayList<>();
            for (long n : needed) {
                if (n < 0 || n >= str.length) {
                    throw new DumpFormatException(file.toString(), strOff, "DT_NEEDED name offset " + n
                            + " outside DT_STRTAB");
                }
                names.add(cString(str, (int) n));
            }
            return new Dynamic(eh.machine(), interp, List.copyOf(names));
        }
    }

    /** A table of the file, its length checked before anything is allocated. */
    private static byte[] table(ChannelByteSource src, long offset, long length, String what) throws IOException {
        if (length < 0 || length > MAX_TABLE) {
            throw new DumpFormatException(src.name(), offset, what + " of " + length + " bytes (at most " + MAX_TABLE
                    + " expected)");
        }
        src.checkRange(offset, length, what);
        return src.read(offset, (int) length, what);
    }

    private static String cString(byte[] b, int at) {
        int end = at;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.UTF_8);
    }
}
