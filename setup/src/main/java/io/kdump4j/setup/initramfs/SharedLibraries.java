package io.kdump4j.setup.initramfs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;
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
        List<Path> roots = new ArrayList<>();
        roots.add(runtime.resolve("bin/java"));
        Set<String> own = new HashSet<>();
        try (Stream<Path> s = Files.walk(runtime.resolve("lib"))) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().toList()) {
                roots.add(p);
                own.add(p.getFileName().toString());
            }
        }
        TreeMap<String, Path> out = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        Deque<Path> work = new ArrayDeque<>(roots);
        String triplet = null;
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
                Path file = null;
                for (String dir : List.of("/lib/" + triplet, "/usr/lib/" + triplet, "/lib64", "/lib", "/usr/lib")) {
                    file = find(sysroot, dir + "/" + name);
                    if (file != null) {
                        break;
                    }
                }
                if (file == null) {
                    throw new IOException(elf + " needs " + name + ", which is in no library folder of " + sysroot
                            + " (for another architecture, unpack its libc6, libgcc-s1, libstdc++6 and zlib1g there)");
                }
                out.put("lib/" + triplet + "/" + name, file);
                work.add(file);
            }
        }
        return out;
    }

    /** The Debian multiarch folder name for an ELF machine. */
    static String triplet(int machine, Path elf) throws IOException {
        return switch (machine) {
            case EM_X86_64 -> "x86_64-linux-gnu";
            case EM_AARCH64 -> "aarch64-linux-gnu";
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

    /** The loader and needed libraries of an ELF file, or null when it is not a dynamic ELF. */
    static Dynamic read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer eh = readAt(ch, 0, 64);
            if (eh == null || eh.limit() < 64 || eh.order(ByteOrder.BIG_ENDIAN).getInt(0) != 0x7f454c46) {
                return null;
            }
            if (eh.get(4) != 2) {
                throw new IOException(file + ": not a 64-bit ELF (EI_CLASS " + eh.get(4) + ")");
            }
            ByteOrder order = eh.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            eh.order(order);
            int machine = Short.toUnsignedInt(eh.getShort(18));
            long phoff = eh.getLong(32);
            int phentsize = Short.toUnsignedInt(eh.getShort(54));
            int phnum = Short.toUnsignedInt(eh.getShort(56));
            long phBytes = (long) phentsize * phnum;
            if (phentsize < 56 || phBytes > MAX_TABLE || phoff < 0 || phoff + phBytes > size) {
                throw new IOException(file + ": program headers at offset " + phoff + " (" + phnum + " x "
                        + phentsize + " bytes) do not fit its " + size + " bytes");
            }
            ByteBuffer ph = readAt(ch, phoff, (int) phBytes).order(order);
            String interp = null;
            long dynOff = -1;
            long dynSize = 0;
            List<long[]> loads = new ArrayList<>();
            for (int i = 0; i < phnum; i++) {
                int b = i * phentsize;
                int type = ph.getInt(b);
                long off = ph.getLong(b + 8);
                long vaddr = ph.getLong(b + 16);
                long filesz = ph.getLong(b + 32);
                switch (type) {
                    case PT_LOAD -> loads.add(new long[] {vaddr, off, filesz});
                    case PT_DYNAMIC -> {
                        dynOff = off;
                        dynSize = filesz;
                    }
                    case PT_INTERP -> interp = cString(checkedRead(ch, file, off, filesz, "PT_INTERP"), 0);
                    default -> {
                    }
                }
            }
            if (dynOff < 0) {
                return new Dynamic(machine, interp, List.of());
            }
            ByteBuffer dyn = checkedRead(ch, file, dynOff, dynSize, "PT_DYNAMIC").order(order);
            long strtab = -1;
            List<Long> needed = new ArrayList<>();
            for (int b = 0; b + 16 <= dyn.limit(); b += 16) {
                long tag = dyn.getLong(b);
                long val = dyn.getLong(b + 8);
                if (tag == DT_NULL) {
                    break;
                } else if (tag == DT_NEEDED) {
                    needed.add(val);
                } else if (tag == DT_STRTAB) {
                    strtab = val;
                }
            }
            if (needed.isEmpty()) {
                return new Dynamic(machine, interp, List.of());
            }
            // DT_STRTAB is an address; the PT_LOAD that holds it gives its file offset.
            long strOff = -1;
            long strLimit = 0;
            for (long[] l : loads) {
                if (strtab >= l[0] && strtab < l[0] + l[2]) {
                    strOff = strtab - l[0] + l[1];
                    strLimit = l[0] + l[2] - strtab;
                }
            }
            if (strOff < 0) {
                throw new IOException(file + ": DT_STRTAB 0x" + Long.toHexString(strtab) + " is in no PT_LOAD");
            }
            ByteBuffer str = checkedRead(ch, file, strOff, Math.min(strLimit, MAX_TABLE), "DT_STRTAB");
            List<String> names = new ArrayList<>();
            for (long n : needed) {
                if (n < 0 || n >= str.limit()) {
                    throw new IOException(file + ": DT_NEEDED name offset " + n + " outside DT_STRTAB");
                }
                names.add(cString(str, (int) n));
            }
            return new Dynamic(machine, interp, List.copyOf(names));
        }
    }

    private static ByteBuffer checkedRead(FileChannel ch, Path file, long off, long len, String what) throws IOException {
        if (off < 0 || len < 0 || len > MAX_TABLE || off + len > ch.size()) {
            throw new IOException(file + ": " + what + " at offset " + off + " (" + len + " bytes) does not fit the file");
        }
        return readAt(ch, off, (int) len);
    }

    private static ByteBuffer readAt(FileChannel ch, long off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, off + b.position()) < 0) {
                return b.position() == 0 ? null : b.flip();
            }
        }
        return b.flip();
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) {
            end++;
        }
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
