package io.kdump4j.capture.kdump;

import io.kdump4j.capture.DumpLevel;
import io.kdump4j.capture.PageClass;
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

/**
 * Writes a kdump-compressed dump (header version 6) the way makedumpfile's
 * {@code write_kdump_pages_and_bitmap_cyclic()} does, one cycle of page frames at a time, so that
 * memory stays bounded whatever the size of the dump: per cycle, the two bitmaps' bytes, the
 * page descriptors and the page data; across cycles, nothing but counters.
 *
 * <p>Facts matched from makedumpfile 1.7.2:
 * <ul>
 *   <li>With dump level bit 1, zero pages are found while copying, not while building the 2nd
 *   bitmap: they stay dumpable (their bit set) and all share one descriptor, {@code pd_zero},
 *   pointing at a single zero page written first in the data area (raw, flags 0). Only ELF output
 *   removes them from the bitmap (the comment in {@code create_2nd_bitmap()}).</li>
 *   <li>A page is stored compressed only when that is strictly smaller than a page.</li>
 *   <li>Header status carries the codec's {@code DUMP_DH_COMPRESSED_*} bit.</li>
 * </ul>
 *
 * <p>Unlike makedumpfile, the header is first written with {@code DUMP_DH_COMPRESSED_INCOMPLETE}
 * set and rewritten without it only after the last page: a dump cut short by anything, even a
 * killed process, says it is incomplete.
 */
public final class KdumpWriter {
    private static final int DATA_BUFFER = 1 << 20;

    private final WriteJob job;
    private final SourceFacts facts;
    private final PhysicalMemory memory;
    private final DumpSink sink;
    private final SaveStats stats;
    private final ByteOrder order;
    private final int pageSize;
    private final int cycle;
    private final boolean zeroShared;
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
    private long written;
    private boolean headerWritten;

    public KdumpWriter(WriteJob job) {
        this.job = job;
        this.facts = job.facts();
        this.memory = job.memory();
        this.sink = job.sink();
        this.stats = job.stats();
        this.order = facts.order();
        this.pageSize = facts.pageSize();
        this.cycle = job.options().cyclePfns();
        this.zeroShared = DumpLevel.excludesZero(job.level());
    }

    /** Writes the whole dump; on failure leaves what was written marked incomplete and throws {@link WriteFailure}. */
    public void write() throws IOException {
        long planned = plan();
        layout = KdumpLayout.of(pageSize, facts.maxPfn(), facts.notes().length, planned);
        header = new DiskDumpHeader(facts.utsFields(), facts.timestamp().getEpochSecond(), 0,
                job.options().compression().flag() | DiskDumpHeader.STATUS_INCOMPLETE, pageSize,
                layout.subHdrBlocks(), layout.bitmapBlocks(), facts.maxPfn(), facts.nrCpus());
        try {
            writeHeaders();
            data = new SequentialWriter(sink, layout.offsetData(), DATA_BUFFER);
            if (zeroShared) {
                zeroOffset = data.position();
                data.write(new byte[pageSize], 0, pageSize);
            }
            writeCycles(planned);
            data.flush();
            sink.write(0, header.withStatus(header.status() & ~DiskDumpHeader.STATUS_INCOMPLETE).encode(order), 0,
                    pageSize);
        } catch (TargetWriteException | SourceReadException e) {
            stats.countNotWritten(planned - written);
            throw new WriteFailure(e, salvage(e));
        }
    }

    /** Counts the descriptors to reserve: frames present and kept by the classifier at this level. */
    private long plan() {
        long n = 0;
        for (long pfn = 0, max = facts.maxPfn(); pfn < max; pfn++) {
            if (job.candidate(pfn)) {
                n++;
            }
        }
        return n;
    }

    private void writeHeaders() throws IOException {
        sink.write(0, header.encode(order), 0, pageSize);
        headerWritten = true;
        long noteOffset = layout.offsetNotes();
        KdumpSubHeader sub = new KdumpSubHeader(facts.physBase(), job.level(),
                facts.vmcoreinfoOffset() < 0 ? 0 : noteOffset + facts.vmcoreinfoOffset(),
                facts.vmcoreinfoOffset() < 0 ? 0 : facts.vmcoreinfoSize(),
                facts.notes().length == 0 ? 0 : noteOffset, facts.notes().length, facts.maxPfn());
        byte[] block = new byte[layout.subHdrBlocks() * pageSize];
        System.arraycopy(sub.encode(order), 0, block, 0, KdumpSubHeader.SIZE);
        System.arraycopy(facts.notes(), 0, block, KdumpSubHeader.SIZE, facts.notes().length);
        sink.write(layout.offsetSubHeader(), block, 0, block.length);
    }

    private void writeCycles(long planned) throws IOException {
        CycleBitmap bitmap1 = new CycleBitmap(cycle);
        bitmap2 = new CycleBitmap(cycle);
        cycleDescs = new byte[cycle * PageDesc.SIZE];
        cycleDescEnds = new long[cycle];
        PageReader reader = new PageReader(memory);
        stats.track(reader, sink::bytesOut);
        try (PagePipeline pipeline = new PagePipeline(reader, job.options().compression().kind(), zeroShared,
                job.options().filter(), job.options().threads(), this::accept)) {
            for (cycleStart = 0; cycleStart < facts.maxPfn(); cycleStart += cycle) {
                cycleEnd = Math.min(cycleStart + cycle, facts.maxPfn());
                bitmap1.reset(cycleStart);
                bitmap2.reset(cycleStart);
                cycleDescCount = 0;
                filteredInCycle = false;
                fillBitmaps(bitmap1, bitmap2, true);
                writeBitmap(layout.offsetBitmap1(), bitmap1);
                writeBitmap(layout.offsetBitmap2(), bitmap2);
                for (long pfn = cycleStart; pfn < cycleEnd; pfn++) {
                    if (bitmap2.get(pfn)) {
                        pipeline.add(pfn);
                    }
                }
                pipeline.flush();
                data.flush();
                writeCycleDescs(cycleDescCount);
                if (filteredInCycle) {
                    writeBitmap(layout.offsetBitmap2(), bitmap2);
                }
            }
        } finally {
            stats.report();
        }
    }

    /** Sets the cycle's bits: 1st bitmap for RAM frames, 2nd for candidates; counts excluded classes when asked. */
    private void fillBitmaps(CycleBitmap b1, CycleBitmap b2, boolean count) {
        for (long pfn = cycleStart; pfn < cycleEnd; pfn++) {
            PhysicalMemory.PageState s = memory.state(pfn);
            if (s == PhysicalMemory.PageState.ABSENT) {
                continue;
            }
            b1.set(pfn);
            if (s != PhysicalMemory.PageState.PRESENT) {
                continue;
            }
            PageClass c = job.classify(pfn);
            if (c.excludedAt(job.level())) {
                if (count) {
                    stats.count(c);
                }
            } else {
                b2.set(pfn);
            }
        }
    }

    private void writeBitmap(long base, CycleBitmap b) throws IOException {
        int len = (int) KdumpLayout.ceilDiv(cycleEnd - cycleStart, 8);
        sink.write(base + cycleStart / 8, b.bytes(), 0, len);
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
                data.write(p.data(), 0, p.length());
                addDesc(at, p.length(), p.flags(), at + p.length());
                stats.count(PageClass.KEPT);
            }
            case PASSED -> throw new IllegalStateException("the kdump writer passes no frames through the pipeline");
        }
    }

    private void addDesc(long offset, int size, int flags, long end) {
        PageDesc.put(cycleDescs, cycleDescCount * PageDesc.SIZE, order, offset, size, flags);
        cycleDescEnds[cycleDescCount] = end;
        cycleDescCount++;
        written++;
    }

    /** Writes the first {@code n} descriptors of this cycle (data first, so no descriptor points at unwritten data). */
    private void writeCycleDescs(int n) throws IOException {
        if (n > 0) {
            sink.write(layout.offsetDescs() + descIndex * PageDesc.SIZE, cycleDescs, 0, n * PageDesc.SIZE);
            descIndex += n;
        }
        cycleDescCount = 0;
    }

    /**
     * After a failure: keeps the descriptors whose data reached the target, and for a source
     * failure (the target still works) writes the remaining cycles' bitmaps so readers report the
     * frames never written as lost rather than absent. The header written first already says
     * incomplete. Returns whether the target holds that header.
     */
    private boolean salvage(IOException cause) {
        boolean targetOk = !(cause instanceof TargetWriteException);
        try {
            if (data == null) {
                return headerWritten;
            }
            if (targetOk) {
                data.flush();
            }
            long committed = data.committed();
            int keep = 0;
            while (keep < cycleDescCount && cycleDescEnds[keep] <= committed) {
                keep++;
            }
            writeCycleDescs(keep);
            if (targetOk && bitmap2 != null) {
                CycleBitmap b1 = new CycleBitmap(cycle);
                for (cycleStart += cycle; cycleStart < facts.maxPfn(); cycleStart += cycle) {
                    cycleEnd = Math.min(cycleStart + cycle, facts.maxPfn());
                    b1.reset(cycleStart);
                    bitmap2.reset(cycleStart);
                    fillBitmaps(b1, bitmap2, false);
                    writeBitmap(layout.offsetBitmap1(), b1);
                    writeBitmap(layout.offsetBitmap2(), bitmap2);
                }
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        return true;
    }
}
