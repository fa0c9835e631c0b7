package io.kdump4j.setup.initramfs;

import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The initramfs' only user-space tool set: a statically linked busybox (Debian's
 * busybox-static installs it as /bin/busybox) and the applet links it reports with
 * {@code --list-full} (paths such as {@code usr/bin/dd}).
 *
 * @param binary  the busybox executable
 * @param applets applet paths relative to the root, e.g. {@code bin/sh}
 */
public record Busybox(Path binary, List<String> applets) {
    /** Enough for /init when the binary cannot be run here to ask it (another architecture). */
    static final List<String> MINIMAL = List.of("bin/sh", "bin/mount", "bin/umount", "bin/mkdir", "bin/cat",
            "bin/dd", "bin/echo", "bin/sleep", "bin/sync", "bin/stat", "bin/mv", "bin/ls", "bin/cut",
            "sbin/insmod", "sbin/blkid", "sbin/findfs", "sbin/reboot", "sbin/poweroff");

    public Busybox {
        applets = List.copyOf(applets);
    }

    /** The given busybox, or the host's /bin/busybox; it must be statically linked. */
    public static Busybox locate(Path given) throws IOException {
        Path b = given != null ? given : Path.of("/bin/busybox");
        if (!Files.isRegularFile(b)) {
            throw new IOException(b + ": no busybox (install busybox-static, or give --busybox FILE)");
        }
        if (isDynamic(b)) {
            throw new IOException(b + ": busybox is dynamically linked and would find no libc in the initramfs; "
                    + "install busybox-static or give a static one with --busybox");
        }
        return new Busybox(b, listApplets(b));
    }

    /** True when the ELF file has a PT_INTERP program header (needs a dynamic loader). */
    static boolean isDynamic(Path elf) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(elf)) {
            head = in.readNBytes(1 << 16);
        }
        String src = elf.toString();
        Cursor c = new Cursor(src, head, 0, ByteOrder.LITTLE_ENDIAN, "Elf64_Ehdr");
        byte[] ident = c.bytes(16, "e_ident");
        if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F' || ident[4] != 2 || ident[5] != 1) {
            throw new DumpFormatException(src, 0, "expected a 64-bit little-endian ELF executable");
        }
        long phoff = c.seek(0x20).u64AsLong("e_phoff");
        int phentsize = c.seek(0x36).u16("e_phentsize");
        int phnum = c.u16("e_phnum");
        if (phoff < 0 || phentsize < 56 || phoff + (long) phentsize * phnum > head.length) {
            throw new DumpFormatException(src, 0x20, "program headers (" + phnum + " at " + phoff + ") are not in the first 64 KiB");
        }
        for (int i = 0; i < phnum; i++) {
            if (c.seek((int) (phoff + (long) i * phentsize)).u32("p_type") == 3) {
                return true;
            }
        }
        return false;
    }

    private static List<String> listApplets(Path b) {
        try {
            Process p = new ProcessBuilder(b.toString(), "--list-full").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                List<String> a = new ArrayList<>();
                for (String line : out.split("\n")) {
                    String l = line.strip();
                    if (!l.isEmpty() && !l.startsWith("/") && !l.contains("..")) {
                        a.add(l);
                    }
                }
                if (!a.isEmpty()) {
                    return a.stream().sorted().toList();
                }
            }
            p.destroyForcibly();
        } catch (IOException e) {
            // Cannot run it here (foreign architecture): fall back to the minimal set.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return MINIMAL;
    }
}
