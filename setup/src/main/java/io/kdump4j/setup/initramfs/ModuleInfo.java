package io.kdump4j.setup.initramfs;

import io.kdump4j.format.io.Cursor;
import io.kdump4j.format.io.DumpFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * What a kernel module says about itself in its {@code .modinfo} ELF section: NUL-separated
 * {@code key=value} strings written by the MODULE_INFO() macros and modpost ({@code name=},
 * {@code depends=a,b}, {@code softdep=pre: x post: y}, {@code alias=}, {@code vermagic=}). This
 * is all {@code depmod} reads to make modules.dep, which Debian's packages do not ship (it is
 * made at install time), so we read it ourselves.
 *
 * @param name     the module name ({@code name=}, else the file name with '-' as '_')
 * @param depends  modules whose symbols it uses; must be loaded first
 * @param softdeps modules to load first though not linked ({@code softdep=pre:})
 * @param image    the uncompressed module (.ko) bytes, to put into the initramfs as is
 */
public record ModuleInfo(String name, List<String> depends, List<String> softdeps, byte[] image) {
    /** The largest module we accept, uncompressed (amdgpu.ko is ~ 40 MiB with debug info stripped). */
    static final int MAX_MODULE = 128 << 20;

    public ModuleInfo {
        depends = List.copyOf(depends);
        softdeps = List.copyOf(softdeps);
    }

    /** Reads a .ko, .ko.xz, .ko.gz or .ko.zst file. */
    public static ModuleInfo read(Path file) throws IOException {
        byte[] image = decompress(file);
        return parse(file.toString(), fileNameToModule(file.getFileName().toString()), image);
    }

    /** "crc32c-intel.ko.xz" -> "crc32c_intel". */
    public static String fileNameToModule(String fileName) {
        int ko = fileName.indexOf(".ko");
        return (ko < 0 ? fileName : fileName.substring(0, ko)).replace('-', '_');
    }

    static byte[] decompress(Path file) throws IOException {
        String n = file.getFileName().toString();
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = n.endsWith(".xz") ? new XZInputStream(raw)
                    : n.endsWith(".gz") ? new GZIPInputStream(raw)
                    : n.endsWith(".zst") ? new io.airlift.compress.v3.zstd.ZstdInputStream(raw)
                    : raw;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                if (out.size() + (long) r > MAX_MODULE) {
                    throw new DumpFormatException(file.toString(), -1, "module larger than " + MAX_MODULE + " bytes uncompressed");
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        }
    }

    /** Parses an uncompressed ELF64 little-endian module (x86_64 and arm64 modules are both). */
    static ModuleInfo parse(String source, String fallbackName, byte[] ko) throws DumpFormatException {
        Cursor h = new Cursor(source, ko, 0, ByteOrder.LITTLE_ENDIAN, "Elf64_Ehdr");
        byte[] ident = h.bytes(16, "e_ident");
        if (ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            throw new DumpFormatException(source, 0, "expected the ELF magic 7f 45 4c 46 of a kernel module");
        }
        if (ident[4] != 2 || ident[5] != 1) {
            throw new DumpFormatException(source, 4, "expected ELFCLASS64 little-endian (class " + ident[4]
                    + ", data " + ident[5] + "): only x86_64 and arm64 modules are supported");
        }
        long shoff = h.seek(0x28).u64AsLong("e_shoff");
        int shentsize = h.seek(0x3a).u16("e_shentsize");
        int shnum = h.u16("e_shnum");
        int shstrndx = h.u16("e_shstrndx");
        if (shentsize < 64 || shnum == 0 || shstrndx >= shnum
                || shoff < 0 || shoff > ko.length || (long) shentsize * shnum > ko.length - shoff) {
            throw new DumpFormatException(source, 0x28, "section header table (e_shoff " + shoff + ", " + shnum
                    + " x " + shentsize + " bytes, e_shstrndx " + shstrndx + ") does not fit in " + ko.length + " bytes");
        }
        long[] strtab = section(source, ko, shoff, shentsize, shstrndx);
        for (int i = 0; i < shnum; i++) {
            Cursor s = new Cursor(source, ko, 0, ByteOrder.LITTLE_ENDIAN, "Elf64_Shdr[" + i + "]").seek((int) (shoff + (long) i * shentsize));
            long nameOff = s.u32("sh_name");
            String name = cString(ko, strtab[0] + nameOff, strtab[0] + strtab[1]);
            if (".modinfo".equals(name)) {
                long[] mi = section(source, ko, shoff, shentsize, i);
                return fromModinfo(fallbackName, Arrays.copyOfRange(ko, (int) mi[0], (int) (mi[0] + mi[1])), ko);
            }
        }
        throw new DumpFormatException(source, shoff, "no .modinfo section: not a kernel module");
    }

    /** {offset, size} of section {@code index}, checked to lie inside the file. */
    private static long[] section(String source, byte[] ko, long shoff, int shentsize, int index) throws DumpFormatException {
        long at = shoff + (long) index * shentsize;
        Cursor s = new Cursor(source, ko, 0, ByteOrder.LITTLE_ENDIAN, "Elf64_Shdr[" + index + "]").seek((int) at);
        s.skip(0x18);
        long off = s.u64AsLong("sh_offset");
        long size = s.u64AsLong("sh_size");
        if (off < 0 || size < 0 || off > ko.length || size > ko.length - off) {
            throw new DumpFormatException(source, at + 0x18, "section " + index + " (offset " + off + ", size " + size
                    + ") lies outside the " + ko.length + "-byte file");
        }
        return new long[] {off, size};
    }

    private static String cString(byte[] b, long from, long limit) {
        if (from < 0 || from >= limit) {
            return null;
        }
        int end = (int) from;
        while (end < limit && b[end] != 0) {
            end++;
        }
        return new String(b, (int) from, end - (int) from, StandardCharsets.UTF_8);
    }

    private static ModuleInfo fromModinfo(String fallbackName, byte[] modinfo, byte[] ko) {
        String name = fallbackName;
        List<String> depends = new ArrayList<>();
        List<String> softdeps = new ArrayList<>();
        for (String kv : new String(modinfo, StandardCharsets.UTF_8).split("\0")) {
            if (kv.startsWith("name=")) {
                name = kv.substring(5);
            } else if (kv.startsWith("depends=")) {
                for (String d : kv.substring(8).split(",")) {
                    if (!d.isBlank()) {
                        depends.add(d.strip().replace('-', '_'));
                    }
                }
            } else if (kv.startsWith("softdep=")) {
                // "pre: crc32c post: x": only "pre" modules must be there before us.
                boolean pre = false;
                for (String w : kv.substring(8).trim().split("\\s+")) {
                    if (w.equals("pre:")) {
                        pre = true;
                    } else if (w.equals("post:")) {
                        pre = false;
                    } else if (pre && !w.isEmpty()) {
                        softdeps.add(w.replace('-', '_'));
                    }
                }
            }
        }
        return new ModuleInfo(name, depends, softdeps, ko);
    }
}
