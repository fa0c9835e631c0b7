package io.kdump4j.capture.kdump;

import io.kdump4j.format.kdump.DiskDumpHeader;
import io.kdump4j.format.kdump.KdumpSubHeader;
import io.kdump4j.format.kdump.PageDesc;
import io.kdump4j.capture.DumpLevel;
import io.kdump4j.capture.PageClass;
import io.kdump4j.capture.PageFilter;
import io.kdump4j.capture.PfnRange;
import io.kdump4j.capture.output.DumpSink;
import io.kdump4j.capture.output.SequentialWriter;
import io.kdump4j.capture.pipeline.EncodedPage;
import io.kdump4j.capture.pipeline.PagePipeline;
import io.kdump4j.capture.pipeline.PageReader;
import io.kdump4j.capture.pipeline.SaveStats;
import io.kdump4j.capture.pipeline.SourceFacts;
import io.kdump4j.capture.pipeline.SourceReadException;
import io.kdump4j.capture.pipeline.TargetWriteException;
import io.kdump4j.capture.pipeline.WriteFailure;
import io.kdump4j.capture.pipeline.WriteJob;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a kdump-compressed dump (header version 6) the way makedumpfile's
 * {@code write_kdump_pages_and_bitmap_cyclic()} does, one cycle of page frames at a time, so that
 * memory stays bounded whatever the size of the dump: a first sweep writes both bitmaps cycle by
 * cycle, then each cycle (or smaller range) gets its page data and descriptors; across cycles only
 * one planned descriptor count per cycle is kept (8 bytes per 2^16 frames).
 *
 * <p>Facts matched from makedumpfile 1.7.2 (with {@code WriteOrder.PFN} the output is byte for
 * byte makedumpfile's, see MakedumpfileParityTest):
 * <ul>
 *   <li>With dump level bit 1, zero pages are found while copying, not while building the 2nd
 *   bitmap: they stay dumpable (their bit set) and all share one descriptor, {@code pd_zero},
 *   pointing at a single zero page written first in the data area (raw, flags 0). Only ELF output
 *   takes them out of the bitmap (the comment in {@code create_2nd_bitmap()}).</li>
 *   <li>A page is stored compressed only when that is strictly smaller than a page, else raw.</li>
 *   <li>Header status carries the codec's {@code DUMP_DH_COMPRESSED_*} bit.</li>
 * </ul>
 *
 * <p>Done differently, for dumps cut short:
 * <ul>
 *   <li>A page of the source that cannot be read is written as lost (see {@code accept}) and the
 *   save goes on, within {@link io.kdump4j.capture.LostPageLimits}; makedumpfile stops at it.</li>
 *   <li>The header is first written with {@code DUMP_DH_COMPRESSED_INCOMPLETE} set and rewritten
 *   without it after the last page: a dump cut short by anything, even a killed process, says so.</li>
 *   <li>Both bitmaps are written whole before any page, and in a seekable file the descriptor
 *   table is filled with zeros up front, so that the blocks they need are taken before the disk
 *   can fill up. A frame never written is then "dumpable, descriptor offset 0": lost, not absent.</li>
 *   <li>{@link io.kdump4j.capture.WriteOrder}: by default the kernel image first, then the
 *   other frames from the top of memory down; descriptors stay in PFN order, only page data moves.</li>
 * </ul>
 */
public final class KdumpWriter {
    private static final int DATA_BUFFER = 1 << 20;
    private static final int ZERO_CHUNK = 1 << 20;
    /** At most this much heap keeps the first pass's 2nd bitmap for the second ({@link #plannedBits}). */
    private static final long PLANNED_BITS_MAX = 16 << 20;

    private final WriteJob job;
    private final SourceFacts facts;
    private final PhysicalMemory memory;
    private final DumpSink sink;
    private final SaveStats stats;
    private final ByteOrder order;
    private final int pageSize;
    private final int cycle;
    private final boolean zeroShared;
    private final int cycles;
    private final long[] cycleCount;
    private KdumpLayout layout;
    private DiskDumpHeader header;
    private SequentialWriter data;
    private long zeroOffset;
    private long descIndex;
    private byte[] cycleDescs;
    private int cycleDescCount;
    private long[] cycleDescEnds;
    private boolean filteredInCycle;
    private CycleBitmap bitmap2;
    private long cycleStart;
    private long cycleEnd;
    private long planned;
    private long written;
    private boolean headerWritten;
    private int rankCycle = -1;
    private long[] subRank;
    private CycleBitmap rankBits;
    /**
     * The 2nd bitmap of every cycle as the first pass found it, so that the second pass takes its
     * frames from there instead of classifying every frame again (reading all of {@code mem_map} a
     * second time); null when it would take more than {@link #PLANNED_BITS_MAX} or a sixteenth of
     * the heap (16 MiB covers 2^27 frames, 512 GiB of 4 KiB pages), and then the second pass
     * classifies again, as makedumpfile's cyclic mode does.
     */
    private byte[][] plannedBits;

    public KdumpWriter(WriteJob job) throws IOException {
        this.job = job;
        this.facts = job.facts();
        this.memory = job.memory();
        this.sink = job.sink();
        this.stats = job.stats();
        this.order = facts.order();
        this.pageSize = facts.pageSize();
        this.cycle = job.options().cyclePfns();
        this.zeroShared = DumpLevel.excludesZero(job.level());
        // SourceFacts.of refused sources with more than SourceFacts.MAX_CYCLES cycles.
        this.cycles = (int) KdumpLayout.ceilDiv(facts.maxPfn(), cycle);
        this.cycleCount = new long[cycles];
    }

    /** Writes the whole dump; on failure leaves what was written marked incomplete and throws {@link WriteFailure}. */
    public void write() throws IOException {
        layout = KdumpLayout.of(pageSize, facts.maxPfn(), facts.notes().length, 0);
        header = DiskDumpHeader.forWriting(order, facts.utsFields(), facts.timestamp().getEpochSecond(), 0,
                job.options().compression().flag() | DiskDumpHeader.STATUS_INCOMPLETE, pageSize,
                layout.subHdrBlocks(), layout.bitmapBlocks(), facts.maxPfn(), facts.nrCpus());
        try {
            writeHeaders();
            planned = writeBitmaps();
            stats.plan(planned * pageSize);
            layout = layout.withDescSlots(planned);
            if (sink.seekable()) {
                reserveDescriptors();
            }
            data = new SequentialWriter(sink, layout.offsetData(), DATA_BUFFER);
            if (zeroShared) {
                zeroOffset = data.position();
                data.write(new byte[pageSize], 0, pageSize);
            }
            writeCycles();
            data.flush();
            if (stats.pagesLost() == 0) {
                sink.write(0, header.withStatus(header.status() & ~DiskDumpHeader.STATUS_INCOMPLETE).encode(), 0,
                        pageSize);
            }
        } catch (TargetWriteException | SourceReadException e) {
            stats.countNotWritten(Math.max(0, planned - written));
            throw new WriteFailure(e, salvage(e));
        }
        if (stats.pagesLost() > 0) {
            // Every page is written, but some as lost: the header keeps DUMP_DH_COMPRESSED_INCOMPLETE.
            throw new WriteFailure(stats.lostProblem(), true);
        }
    }

    private void writeHeaders() throws IOException {
        sink.write(0, header.encode(), 0, pageSize);
        headerWritten = true;
        long noteOffset = layout.offsetNotes();
        KdumpSubHeader sub = KdumpSubHeader.forWriting(facts.physBase(), job.level(),
                facts.vmcoreinfoOffset() < 0 ? 0 : noteOffset + facts.vmcoreinfoOffset(),
                facts.vmcoreinfoOffset() < 0 ? 0 : facts.vmcoreinfoSize(),
                facts.notes().length == 0 ? 0 : noteOffset, facts.notes().length, facts.maxPfn());
        byte[] block = new byte[layout.subHdrBlocks() * pageSize];
        System.arraycopy(sub.encode(order), 0, block, 0, KdumpSubHeader.encodedSize());
        System.arraycopy(facts.notes(), 0, block, KdumpSubHeader.encodedSize(), facts.notes().length);
        sink.write(layout.offsetSubHeader(), block, 0, block.length);
    }

    /**
     * Writes both bitmaps for every cycle and counts each cycle's dumpable frames (the descriptors
     * to reserve); counts the frames the classifier excludes.
     */
    private long writeBitmaps() throws IOException {
        CycleBitmap b1 = new CycleBitmap(cycle);
        CycleBitmap b2 = new CycleBitmap(cycle);
        long keep = (long) cycles * (cycle / 8);
        plannedBits = keep <= Math.min(PLANNED_BITS_MAX, Runtime.getRuntime().maxMemory() / 16) ? new byte[cycles][] : null;
        long total = 0;
        for (int i = 0; i < cycles; i++) {
            setCycle(i);
            b1.reset(cycleStart);
            b2.reset(cycleStart);
            cycleCount[i] = fillBitmaps(b1, b2);
            if (plannedBits != null) {
                plannedBits[i] = b2.bytes().clone();
            }
            total += cycleCount[i];
            writeBitmap(layout.offsetBitmap1(), b1);
            writeBitmap(layout.offsetBitmap2(), b2);
        }
        return total;
    }

    private void setCycle(int i) {
        cycleStart = (long) i * cycle;
        cycleEnd = Math.min(cycleStart + cycle, facts.maxPfn());
    }

    /** Sets the cycle's bits (1st: RAM frames, 2nd: dumpable frames); returns the dumpable count. */
    private long fillBitmaps(CycleBitmap b1, CycleBitmap b2) {
        long n = 0;
        for (long pfn = cycleStart; pfn < cycleEnd; pfn++) {
            PhysicalMemory.PageState s = job.state(pfn);
            if (s == PhysicalMemory.PageState.ABSENT) {
                continue;
            }
            if (b1 != null) {
                b1.set(pfn);
            }
            if (s != PhysicalMemory.PageState.PRESENT) {
                continue;
            }
            PageClass c = job.classify(pfn);
            if (c.excludedAt(job.level())) {
                if (b1 != null) {
                    stats.count(c);
                }
            } else {
                b2.set(pfn);
                n++;
            }
        }
        return n;
    }

    private void writeBitmap(long base, CycleBitmap b) throws IOException {
        int len = (int) KdumpLayout.ceilDiv(cycleEnd - cycleStart, 8);
        sink.write(base + cycleStart / 8, b.bytes(), 0, len);
    }

    /** Fills the descriptor table with zeros, so that its blocks are allocated before the data can fill the disk. */
    private void reserveDescriptors() throws IOException {
        byte[] zeros = new byte[ZERO_CHUNK];
        long end = layout.offsetData();
        for (long at = layout.offsetDescs(); at < end; at += ZERO_CHUNK) {
            sink.write(at, zeros, 0, (int) Math.min(ZERO_CHUNK, end - at));
        }
    }

    /**
     * The frame ranges to write, in order, each within one cycle: the write order's first ranges,
     * then the others upwards or from the top down. A content filter forces plain PFN order, since a
     * filtered frame moves the descriptor slots of all later frames.
     */
    private List<PfnRange> units() {
        List<PfnRange> ranges = job.options().filter() == PageFilter.NONE
                ? job.options().writeOrder().ranges(job.source()) : List.of();
        List<PfnRange> first = new ArrayList<>();
        long max = facts.maxPfn();
        for (PfnRange r : ranges.stream().sorted(java.util.Comparator.comparingLong(PfnRange::start)).toList()) {
            long s = Math.max(r.start(), first.isEmpty() ? 0 : first.get(first.size() - 1).end());
            long e = Math.min(r.end(), max);
            if (s < e) {
                first.add(new PfnRange(s, e));
            }
        }
        List<PfnRange> out = new ArrayList<>();
        for (PfnRange r : first) {
            split(r.start(), r.end(), out, cycle);
        }
        boolean fromTop = job.options().writeOrder().restFromTop() && job.options().filter() == PageFilter.NONE;
        int step = fromTop ? subRange() : cycle;
        List<PfnRange> rest = new ArrayList<>();
        long at = 0;
        for (PfnRange r : first) {
            split(at, r.start(), rest, step);
            at = r.end();
        }
        split(at, max, rest, step);
        if (fromTop) {
            java.util.Collections.reverse(rest);
        }
        out.addAll(rest);
        return out;
    }

    /**
     * Adds {@code [s, e)} cut at boundaries of {@code step} frames (a range can cross a cycle
     * boundary when {@code step} does not divide the cycle).
     */
    private void split(long s, long e, List<PfnRange> out, int step) {
        while (s < e) {
            long next = Math.min(e, (s / step + 1) * step);
            out.add(new PfnRange(s, next));
            s = next;
        }
    }

    /**
     * The descriptor slot of the first dumpable frame at or after {@code pfn}: the dumpable
     * frames before it. Counted from the cycle's planned base plus, per cycle, one scan that
     * records the count at every sub-range boundary and the dumpable frames in {@link #rankBits}
     * (ranges are visited cycle by cycle, so the scan is done about once per cycle, and ranges
     * then take their frames from those bits instead of classifying them again).
     */
    private long rank(long pfn, long[] base) {
        int c = (int) (pfn / cycle);
        long cycleFirst = (long) c * cycle;
        int sub = subRange();
        if (subRank == null) {
            subRank = new long[cycle / sub + 2];
            rankBits = new CycleBitmap(cycle);
        }
        if (c != rankCycle) {
            rankCycle = c;
            rankBits.reset(cycleFirst);
            long n = base[c];
            long end = Math.min(cycleFirst + cycle, facts.maxPfn());
            byte[] planned = plannedBits == null ? null : plannedBits[c];
            if (planned != null) {
                System.arraycopy(planned, 0, rankBits.bytes(), 0, planned.length);
            }
            for (long p = cycleFirst; p < end; p++) {
                if ((p - cycleFirst) % sub == 0) {
                    subRank[(int) ((p - cycleFirst) / sub)] = n;
                }
                if (planned != null ? rankBits.get(p) : job.candidate(p)) {
                    rankBits.set(p);
                    n++;
                }
            }
        }
        int k = (int) ((pfn - cycleFirst) / sub);
        long n = subRank[k];
        for (long p = cycleFirst + (long) k * sub; p < pfn; p++) {
            if (rankBits.get(p)) {
                n++;
            }
        }
        return n;
    }

    /** Frames per range when memory is written from the top down: 1/64 of a cycle (4 MiB of 4 KiB pages by default). */
    private int subRange() {
        return Math.max(8, cycle / 64);
    }

    private void writeCycles() throws IOException {
        bitmap2 = new CycleBitmap(cycle);
        cycleDescs = new byte[cycle * PageDesc.SIZE];
        cycleDescEnds = new long[cycle];
        long[] base = new long[cycles];
        for (int i = 1; i < cycles; i++) {
            base[i] = base[i - 1] + cycleCount[i - 1];
        }
        boolean inOrder = job.options().filter() != PageFilter.NONE;
        PageReader reader = new PageReader(memory);
        stats.track(reader, sink::bytesOut);
        try (PagePipeline pipeline = new PagePipeline(reader, job.options().compression().kind(),
                job.options().encoder(), zeroShared,
                job.options().filter(), job.options().threads(), memory.concurrentReads(), this::accept)) {
            for (PfnRange u : units()) {
                long start = u.start();
                long end = u.end();
                if (inOrder) {
                    // In PFN order descIndex simply runs on (and absorbs filtered frames), and the
                    // pipeline is drained after each range: a filtered frame clears its bit in
                    // bitmap2, which is rewritten then.
                    cycleStart = start;
                    cycleEnd = end;
                    bitmap2.reset(start);
                    cycleDescCount = 0;
                    filteredInCycle = false;
                    fillBitmaps(null, bitmap2);
                    for (long pfn = start; pfn < end; pfn++) {
                        if (bitmap2.get(pfn)) {
                            pipeline.add(pfn);
                        }
                    }
                    pipeline.flush();
                    endRange(start, end);
                    continue;
                }
                // Out of order no frame is filtered, so the planned counts place each range's
                // descriptors, and ranges follow each other through the pipeline without draining
                // it: markers open and close each range in delivery order.
                long first = rank(start, base);
                pipeline.mark(() -> {
                    descIndex = first;
                    cycleDescCount = 0;
                });
                for (long pfn = start; pfn < end; pfn++) {
                    if (pfn / cycle != rankCycle) {
                        // A range may cross into the next cycle when the sub-range step does not divide it.
                        rank(pfn, base);
                    }
                    if (rankBits.get(pfn)) {
                        pipeline.add(pfn);
                    }
                }
                pipeline.mark(() -> endRange(start, end));
            }
            pipeline.flush();
        } finally {
            stats.report();
        }
    }

    /** Ends a range of frames whose pages were all delivered: its data, then its descriptors. */
    private void endRange(long start, long end) throws IOException {
        data.flush();
        writeCycleDescs(cycleDescCount);
        if (filteredInCycle) {
            // Only in PFN order, where ranges are whole cycles starting on a byte of the bitmap.
            cycleStart = start;
            cycleEnd = end;
            writeBitmap(layout.offsetBitmap2(), bitmap2);
        }
    }

    /** Receives pages from the pipeline in PFN order. */
    private void accept(EncodedPage p) throws IOException {
        switch (p.outcome()) {
            case ZERO -> {
                addDesc(zeroOffset, pageSize, 0, zeroOffset + pageSize);
                stats.count(PageClass.ZERO);
            }
            case FILTERED -> {
                bitmap2.clear(p.pfn());
                filteredInCycle = true;
                written++;
                stats.countFiltered();
            }
            case STORED -> {
                long at = data.position();
                data.write(p.data(), p.offset(), p.length());
                addDesc(at, p.length(), p.flags(), at + p.length());
                stats.count(PageClass.KEPT);
            }
            case LOST -> {
                // makedumpfile's mark for a page it meant to write but could not (ENOSPC): dumpable in
                // the 2nd bitmap, page descriptor all zeros (offset 0), in a dump whose header says
                // DUMP_DH_COMPRESSED_INCOMPLETE. kdump4j reads it as lost (not as excluded or zero),
                // and so do readers that know makedumpfile's incomplete dumps. An unreadable page of
                // the source is exactly such a page. The end 0 keeps the descriptor through a salvage.
                stats.countLost(p.pfn(), p.lostCause());
                addDesc(0, 0, 0, 0);
            }
            case PASSED -> throw new IllegalStateException("the kdump writer passes no frames through the pipeline");
        }
    }

    private void addDesc(long offset, int size, int flags, long end) {
        PageDesc.encode(cycleDescs, cycleDescCount * PageDesc.SIZE, order, offset, size, flags);
        cycleDescEnds[cycleDescCount] = end;
        cycleDescCount++;
        written++;
    }

    /** Writes the first {@code n} descriptors of this cycle (after its data, so none points at unwritten data). */
    private void writeCycleDescs(int n) throws IOException {
        if (n > 0) {
            sink.write(layout.offsetDescs() + descIndex * PageDesc.SIZE, cycleDescs, 0, n * PageDesc.SIZE);
            descIndex += n;
        }
        cycleDescCount = 0;
    }

    /**
     * After a failure: keeps the descriptors whose data reached the target. The bitmaps are
     * already whole and the header written first already says incomplete. Returns whether the
     * target holds that header.
     */
    private boolean salvage(IOException cause) {
        try {
            if (data != null) {
                if (!(cause instanceof TargetWriteException)) {
                    data.flush();
                }
                long committed = data.committed();
                int keep = 0;
                while (keep < cycleDescCount && cycleDescEnds[keep] <= committed) {
                    keep++;
                }
                if (zeroShared && zeroOffset + pageSize > committed) {
                    keep = 0;
                }
                writeCycleDescs(keep);
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        return headerWritten;
    }
}
