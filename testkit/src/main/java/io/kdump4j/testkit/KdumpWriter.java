package io.kdump4j.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes small kdump-compressed files the way makedumpfile lays them out (its
 * {@code IMPLEMENTATION} file and {@code diskdump_mod.h}), in the LP64 layout or a 32-bit one
 * (i386-packed or 8-byte-aligned sub-header), either byte order, for tests:
 * {@code struct disk_dump_header} in block 0, {@code struct kdump_sub_header} (fields gated by
 * header version 1-6) plus the ELF note blob from block 1, the two bitmaps, one
 * {@code struct page_desc} (24 bytes) per dumped PFN, then the page data.
 *
 * <p>Knobs for edge cases: any block size (QEMU's 64 KiB blocks on a 4 KiB-page guest), any
 * codec, a shared zero page, pages that are RAM but excluded, lost pages of an incomplete dump
 * (descriptor offset 0, status bit 0x8), split parts, and a status word without codec flags
 * (as QEMU writes).
 */
public final class KdumpWriter {
    private String signature = "KDUMP   ";
    private int version = 6;
    private int blockSize = 4096;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private long maxMapnr = 64;
    private TestCodec codec = TestCodec.ZLIB;
    private boolean codecInStatus = true;
    private boolean shareZeroPage = true;
    private int dumpLevel = 31;
    private long physBase;
    private String machine = "x86_64";
    private String release = "6.1.0-test";
    private long timestamp = 1_700_000_000L;
    private int nrCpus = 1;
    private String vmcoreinfo;
    private final List<byte[]> prstatus = new ArrayList<>();
    private final TreeMap<Long, byte[]> pages = new TreeMap<>();
    private final TreeSet<Long> excluded = new TreeSet<>();
    private final TreeSet<Long> lost = new TreeSet<>();
    private String eraseinfo;
    private int wordSize = 8;
    private boolean padded;

    /**
     * Sub-header field offsets (phys_base, dump_level, split, start_pfn, end_pfn,
     * offset/size_vmcoreinfo, offset/size_note, offset/size_eraseinfo, start/end_pfn_64,
     * max_mapnr_64) for LP64, i386 (u64 packed at 4) and other ILP32 ABIs (u64 aligned to 8).
     */
    private static final int[] SUB_LP64 = {0, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96, 104};
    private static final int[] SUB_I386 = {0, 4, 8, 12, 16, 20, 28, 32, 40, 44, 52, 56, 64, 72, 80};
    private static final int[] SUB_ILP32_PAD = {0, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96};

    public KdumpWriter signature(String s) {
        this.signature = s;
        return this;
    }

    public KdumpWriter version(int v) {
        this.version = v;
        return this;
    }

    /** 8 for LP64 (default), 4 for a 32-bit dump; {@code padded} picks the non-i386 sub-header. */
    public KdumpWriter wordSize(int w, boolean padded) {
        this.wordSize = w;
        this.padded = padded;
        return this;
    }

    public KdumpWriter blockSize(int b) {
        this.blockSize = b;
        return this;
    }

    public KdumpWriter order(ByteOrder o) {
        this.order = o;
        return this;
    }

    public KdumpWriter maxMapnr(long n) {
        this.maxMapnr = n;
        return this;
    }

    public KdumpWriter codec(TestCodec c) {
        this.codec = c;
        return this;
    }

    /** Whether the header's status names the codec; QEMU leaves it to the page descriptors. */
    public KdumpWriter codecInStatus(boolean b) {
        this.codecInStatus = b;
        return this;
    }

    public KdumpWriter shareZeroPage(boolean b) {
        this.shareZeroPage = b;
        return this;
    }

    /** The sub-header's phys_base (default 0). */
    public KdumpWriter physBase(long p) {
        this.physBase = p;
        return this;
    }

    public KdumpWriter dumpLevel(int d) {
        this.dumpLevel = d;
        return this;
    }

    public KdumpWriter machine(String m) {
        this.machine = m;
        return this;
    }

    public KdumpWriter nrCpus(int n) {
        this.nrCpus = n;
        return this;
    }

    public KdumpWriter timestamp(long t) {
        this.timestamp = t;
        return this;
    }

    public KdumpWriter vmcoreinfo(String text) {
        this.vmcoreinfo = text;
        return this;
    }

    /** Adds an NT_PRSTATUS note ("CORE", type 1) with this descriptor. */
    public KdumpWriter prstatus(byte[] desc) {
        prstatus.add(desc.clone());
        return this;
    }

    public KdumpWriter eraseinfo(String text) {
        this.eraseinfo = text;
        return this;
    }

    /** A dumped page; {@code bytes} must be one block long. */
    public KdumpWriter page(long pfn, byte[] bytes) {
        if (bytes.length != blockSize) {
            throw new IllegalArgumentException("page of " + bytes.length + " bytes, block size " + blockSize);
        }
        pages.put(pfn, bytes.clone());
        return this;
    }

    /** A PFN that is RAM (1st bitmap) but filtered out (not in the 2nd bitmap). */
    public KdumpWriter excluded(long pfn) {
        excluded.add(pfn);
        return this;
    }

    /** A dumped PFN whose data was never written: the dump becomes incomplete. */
    public KdumpWriter lost(long pfn) {
        lost.add(pfn);
        return this;
    }

    /** The dumped pages written so far, by PFN (read-only). */
    public Map<Long, byte[]> pages() {
        return java.util.Collections.unmodifiableMap(pages);
    }

    /** The whole dump as one file. */
    public byte[] build() {
        return build(0, maxMapnr, false);
    }

    /** The dump as {@code n} split parts, dividing the PFN range into equal slices. */
    public List<byte[]> buildSplit(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(build(maxMapnr * i / n, maxMapnr * (i + 1) / n, true));
        }
        return out;
    }

    private byte[] build(long startPfn, long endPfn, boolean split) {
        byte[] notes = noteBlob();
        int[] so = wordSize == 8 ? SUB_LP64 : padded ? SUB_ILP32_PAD : SUB_I386;
        int subSize = so[14];
        long subHdrSize = Math.max(1, ceil(subSize + notes.length, blockSize));
        long oneBitmap = ceil(ceil(maxMapnr, 8), blockSize);
        long bitmapBlocks = 2 * oneBitmap;
        long bitmapStart = (1 + subHdrSize) * blockSize;
        long descBase = bitmapStart + bitmapBlocks * blockSize;
        Set<Long> dumped = new TreeSet<>(pages.keySet());
        dumped.addAll(lost);
        List<Long> inRange = dumped.stream().filter(p -> p >= startPfn && p < endPfn).toList();
        long dataStart = descBase + 24L * inRange.size();

        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long zeroOffset = -1;
        long zeroSize = 0;
        int zeroFlags = 0;
        boolean anyZero = shareZeroPage && pages.values().stream().anyMatch(KdumpWriter::allZero);
        if (anyZero) {
            byte[] z = new byte[blockSize];
            byte[] c = codec.compress(z);
            zeroOffset = dataStart;
            zeroSize = c == null ? blockSize : c.length;
            zeroFlags = c == null ? 0 : codec.flag();
            data.writeBytes(c == null ? z : c);
        }
        ByteBuffer descs = ByteBuffer.allocate(24 * inRange.size()).order(order);
        for (long pfn : inRange) {
            byte[] page = pages.get(pfn);
            if (lost.contains(pfn) || page == null) {
                descs.put(new byte[24]);
                continue;
            }
            if (anyZero && allZero(page)) {
                descs.putLong(zeroOffset).putInt((int) zeroSize).putInt(zeroFlags).putLong(0);
                continue;
            }
            byte[] c = codec.compress(page);
            descs.putLong(dataStart + data.size()).putInt(c == null ? blockSize : c.length)
                    .putInt(c == null ? 0 : codec.flag()).putLong(0);
            data.writeBytes(c == null ? page : c);
        }
        long eraseOffset = dataStart + data.size();
        byte[] erase = eraseinfo == null ? new byte[0] : eraseinfo.getBytes(StandardCharsets.ISO_8859_1);
        data.writeBytes(erase);

        int total = Math.toIntExact(dataStart + data.size());
        ByteBuffer f = ByteBuffer.allocate(total).order(order);
        f.put(signature.getBytes(StandardCharsets.ISO_8859_1), 0, 8);
        f.putInt(8, version);
        String[] uts = {"Linux", "testhost", release, "#1 SMP", machine, "(none)"};
        for (int i = 0; i < 6; i++) {
            byte[] s = uts[i].getBytes(StandardCharsets.ISO_8859_1);
            f.put(12 + 65 * i, s, 0, Math.min(64, s.length));
        }
        int ts = wordSize == 8 ? 408 : 404;
        if (wordSize == 8) {
            f.putLong(ts, timestamp).putLong(ts + 8, 0);
        } else {
            f.putInt(ts, (int) timestamp).putInt(ts + 4, 0);
        }
        int status = (codecInStatus ? codec.flag() : 0) | (lost.isEmpty() ? 0 : 0x8);
        int h = ts + 2 * wordSize;
        f.putInt(h, status).putInt(h + 4, blockSize).putInt(h + 8, (int) subHdrSize)
                .putInt(h + 12, (int) bitmapBlocks).putInt(h + 16, (int) Math.min(maxMapnr, 0xffff_ffffL))
                .putInt(h + 36, nrCpus);
        int s = blockSize;
        long noteOffset = s + subSize;
        putWord(f, s + so[0], physBase);
        f.putInt(s + so[1], dumpLevel);
        if (version >= 2) {
            f.putInt(s + so[2], split ? 1 : 0);
            putWord(f, s + so[3], split ? startPfn : 0);
            putWord(f, s + so[4], split ? endPfn : 0);
        }
        if (version >= 3) {
            long[] vi = vmcoreinfoPlace(noteOffset);
            f.putLong(s + so[5], vi[0]);
            putWord(f, s + so[6], vi[1]);
        }
        if (version >= 4) {
            f.putLong(s + so[7], noteOffset);
            putWord(f, s + so[8], notes.length);
        }
        if (version >= 5) {
            f.putLong(s + so[9], eraseOffset);
            putWord(f, s + so[10], erase.length);
        }
        if (version >= 6) {
            f.putLong(s + so[11], split ? startPfn : 0).putLong(s + so[12], split ? endPfn : 0)
                    .putLong(s + so[13], maxMapnr);
        }
        f.put((int) noteOffset, notes);
        for (long pfn = 0; pfn < maxMapnr; pfn++) {
            boolean isDumped = dumped.contains(pfn);
            if (isDumped || excluded.contains(pfn)) {
                setBit(f, bitmapStart, pfn);
            }
            if (isDumped) {
                setBit(f, bitmapStart + oneBitmap * blockSize, pfn);
            }
        }
        f.put((int) descBase, descs.array());
        f.put((int) dataStart, data.toByteArray());
        return f.array();
    }

    /** Where VMCOREINFO's text lies inside the note blob (makedumpfile points inside it). */
    private long[] vmcoreinfoPlace(long noteOffset) {
        if (vmcoreinfo == null) {
            return new long[] {0, 0};
        }
        long at = noteOffset + 12 + 12; // Elf64_Nhdr + "VMCOREINFO\0" padded to 12
        return new long[] {at, vmcoreinfo.length()};
    }

    private byte[] noteBlob() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (vmcoreinfo != null) {
            b.writeBytes(ElfNotes.note("VMCOREINFO", 0, vmcoreinfo.getBytes(StandardCharsets.ISO_8859_1), order));
        }
        for (byte[] desc : prstatus) {
            b.writeBytes(ElfNotes.note("CORE", 1, desc, order));
        }
        return b.toByteArray();
    }

    /** A C {@code unsigned long}: 8 bytes on LP64, 4 on ILP32. */
    private void putWord(ByteBuffer f, int at, long v) {
        if (wordSize == 8) {
            f.putLong(at, v);
        } else {
            f.putInt(at, (int) v);
        }
    }

    private static void setBit(ByteBuffer f, long bitmapStart, long pfn) {
        int at = (int) (bitmapStart + (pfn >>> 3));
        f.put(at, (byte) (f.get(at) | (1 << (pfn & 7))));
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Deterministic, partly compressible page contents for a PFN. */
    public static byte[] patternPage(long pfn, int size) {
        byte[] p = new byte[size];
        long x = pfn * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < size; i++) {
            if ((i & 64) == 0) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                p[i] = (byte) x;
            } else {
                p[i] = (byte) (pfn + i / 64);
            }
        }
        return p;
    }

    /** The bytes a reader must see at this PFN: the page written there, or zeros. */
    public byte[] pageOrZeros(long pfn) {
        byte[] p = pages.get(pfn);
        return p == null ? new byte[blockSize] : Arrays.copyOf(p, p.length);
    }
}
