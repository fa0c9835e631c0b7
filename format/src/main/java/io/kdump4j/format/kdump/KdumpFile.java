package io.kdump4j.format.kdump;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.DumpFormat;
import io.kdump4j.format.Note;
import io.kdump4j.format.codec.PageCodec;
import io.kdump4j.format.io.ByteSource;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.io.MappedByteSource;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A kdump-compressed ("KDUMP   ") or diskdump ("DISKDUMP") dump, as written by makedumpfile
 * and QEMU, header versions 0-6, 64- and 32-bit layouts, either byte order; or a split set of such
 * files read as one dump. See {@link KdumpPart} for the file layout and {@link KdumpMemory}
 * for how pages are found.
 */
public final class KdumpFile implements DumpFile {
    private boolean closed;
    private final String name;
    private final List<KdumpPart> parts;
    private final boolean flattened;
    private final KdumpMemory memory;

    private KdumpFile(String name, List<KdumpPart> parts, boolean flattened) throws IOException {
        this.name = name;
        this.parts = List.copyOf(parts);
        this.flattened = flattened;
        this.memory = new KdumpMemory(parts);
    }

    /** Whether the first bytes are a kdump-compressed or diskdump signature. */
    public static boolean matches(byte[] head) {
        return DiskDumpHeader.matches(head);
    }

    /** Opens the dump in {@code src}; the returned dump owns (and closes) {@code src}. */
    public static DumpFile open(ByteSource src, boolean flattened) throws IOException {
        return new KdumpFile(src.name(), List.of(KdumpPart.read(src)), flattened);
    }

    /**
     * Opens the parts of a {@code makedumpfile --split} set as one dump. Every part is a complete
     * kdump-compressed file (headers, notes, bitmaps) with {@code split=1}, holding the pages of
     * its own PFN range {@code [start_pfn_64, end_pfn_64)}; the parts may be given in any order,
     * and each may itself be flattened.
     */
    public static DumpFile openSplitSet(List<Path> paths) throws IOException {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a split set needs at least one part");
        }
        List<ByteSource> opened = new ArrayList<>();
        try {
            List<KdumpPart> parts = new ArrayList<>();
            boolean anyFlattened = false;
            for (Path p : paths) {
                ByteSource src = MappedByteSource.open(p);
                opened.add(src);
                byte[] head = src.read(0, (int) Math.min(16, src.size()), "a dump signature");
                if (FlattenedByteSource.matches(head)) {
                    src = FlattenedByteSource.index(src);
                    opened.set(opened.size() - 1, src);
                    anyFlattened = true;
                    head = src.read(0, (int) Math.min(16, src.size()), "a dump signature inside the flattened stream");
                }
                if (!matches(head)) {
                    throw new DumpFormatException(src.name(), 0, "expected a kdump-compressed file (\"KDUMP   \")"
                            + " as a part of a split dump set");
                }
                parts.add(KdumpPart.read(src));
            }
            checkSet(parts);
            parts.sort(Comparator.comparingLong(p -> p.startPfn));
            return new KdumpFile(String.join(" + ", paths.stream().map(Path::toString).toList()), parts, anyFlattened);
        } catch (IOException | RuntimeException e) {
            for (ByteSource s : opened) {
                s.close();
            }
            throw e;
        }
    }

    private static void checkSet(List<KdumpPart> parts) throws DumpFormatException {
        KdumpPart first = parts.get(0);
        for (KdumpPart p : parts) {
            String n = p.src.name();
            if (parts.size() > 1 && !p.sub.split()) {
                throw new DumpFormatException(n, p.sub.fieldOffset(p.header, SubHeaderLayout.SPLIT),
                        "expected a part of a split dump (split=1 in the sub-header), found a whole dump");
            }
            if (p.header.blockSize() != first.header.blockSize() || p.sub.maxMapnr() != first.sub.maxMapnr()
                    || p.header.order() != first.header.order()) {
                throw new DumpFormatException(n, p.header.blockSizeOffset(), "block_size/max_mapnr/byte order differ from "
                        + first.src.name() + ": not parts of the same dump");
            }
        }
        List<KdumpPart> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparingLong(p -> p.startPfn));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).startPfn < sorted.get(i - 1).endPfn) {
                throw new DumpFormatException(sorted.get(i).src.name(),
                        sorted.get(i).sub.fieldOffset(sorted.get(i).header, SubHeaderLayout.START_PFN_64),
                        "its PFN range [" + sorted.get(i).startPfn + ", " + sorted.get(i).endPfn + ") overlaps "
                                + sorted.get(i - 1).src.name() + " [" + sorted.get(i - 1).startPfn + ", "
                                + sorted.get(i - 1).endPfn + ")");
            }
        }
    }

    /** The disk_dump_header of the (first) file. */
    public DiskDumpHeader header() {
        return parts.get(0).header;
    }

    /** The kdump_sub_header of the (first) file. */
    public KdumpSubHeader subHeader() {
        return parts.get(0).sub;
    }

    /** The number of files this dump is read from (1, or the parts of a split set). */
    public int partCount() {
        return parts.size();
    }

    /** makedumpfile's eraseinfo text (what {@code --config} erased), when the dump records one. */
    public Optional<String> eraseinfo() {
        return Optional.ofNullable(parts.get(0).eraseinfo);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DumpDetails details() {
        DiskDumpHeader h = header();
        KdumpSubHeader sub = subHeader();
        int flags = 0;
        for (KdumpPart p : parts) {
            flags |= p.header.status();
        }
        List<String> facts = new ArrayList<>();
        if ((flags & codecMask()) == 0) {
            try {
                for (KdumpPart p : parts) {
                    flags |= p.probeCodecFlags();
                }
                if ((flags & codecMask()) != 0) {
                    facts.add("compression taken from the page descriptors: the header's status names none");
                }
            } catch (IOException e) {
                facts.add("page descriptors unreadable: " + e.getMessage());
            }
        }
        List<String> compression = new ArrayList<>();
        for (PageCodec.Kind k : PageCodec.Kind.values()) {
            if ((flags & k.flag()) != 0) {
                compression.add(k.id());
            }
        }
        facts.add("block_size=" + h.blockSize() + ", max_mapnr=" + sub.maxMapnr() + ", status=0x"
                + Integer.toHexString(h.status()));
        if (h.wordSize() == 4) {
            facts.add("32-bit layout, " + (sub.layout() == SubHeaderLayout.ILP32_PADDED
                    ? "8-byte-aligned sub-header" : "i386 packed sub-header"));
        }
        int guestPage = vmcoreinfoPageSize();
        if (guestPage > 0 && guestPage != h.blockSize()) {
            facts.add("block_size=" + h.blockSize() + " on a " + guestPage + "-byte-page guest (QEMU writes its "
                    + "target page size): physical address = PFN x " + h.blockSize());
        }
        if ((h.status() & DiskDumpHeader.STATUS_EXCLUDED_VMEMMAP) != 0) {
            facts.add("unused vmemmap pages excluded (makedumpfile -e)");
        }
        if (parts.size() > 1) {
            facts.add("split set of " + parts.size() + " files");
        }
        String machine = h.utsname().get(4);
        if (machine.isEmpty() || machine.equals("Unknown")) {
            machine = null;
        }
        boolean cut = parts.stream().anyMatch(p -> p.src instanceof FlattenedByteSource f && f.cutShort());
        if (cut) {
            facts.add("the flattened stream is cut short (no end marker): what it holds is readable, the rest is lost");
        }
        boolean incomplete = cut || parts.stream().anyMatch(p -> p.header.incomplete());
        OptionalInt level = sub.dumpLevel() >= 0 && h.headerVersion() >= 1 ? OptionalInt.of(sub.dumpLevel())
                : OptionalInt.empty();
        return new DumpDetails(h.isDiskdump() ? DumpFormat.DISKDUMP : DumpFormat.KDUMP, flattened, h.headerVersion(),
                List.copyOf(compression), level, incomplete, machine, h.utsname(), h.timestampSeconds(), h.nrCpus(),
                sub.split(), List.copyOf(facts));
    }

    private static int codecMask() {
        int m = 0;
        for (PageCodec.Kind k : PageCodec.Kind.values()) {
            m |= k.flag();
        }
        return m;
    }

    /** VMCOREINFO's {@code PAGESIZE}, or 0 when absent, malformed or beyond an int. */
    private int vmcoreinfoPageSize() {
        long ps = vmcoreinfoText().number("PAGESIZE").orElse(0);
        return ps > 0 && ps <= Integer.MAX_VALUE ? (int) ps : 0;
    }

    @Override
    public ByteOrder byteOrder() {
        return header().order();
    }

    @Override
    public List<Note> notes() {
        return parts.get(0).notes;
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    /** Idempotent: the second and later calls do nothing. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException first = null;
        for (KdumpPart p : parts) {
            try {
                p.src.close();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
