package io.kdump4j.capture.elf;

import io.kdump4j.capture.DumpLevel;
import io.kdump4j.capture.PageClass;
import io.kdump4j.capture.PageFilter;
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
import io.kdump4j.format.elf.ElfConstants;
import io.kdump4j.format.elf.ElfDump;
import io.kdump4j.format.elf.ElfEncoder;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Writes an ELF64 core like {@code makedumpfile -E}: one PT_NOTE with the source's notes, then
 * PT_LOADs cut as makedumpfile cuts them ({@link SegmentBuilder}), data after the notes at the next
 * page boundary.
 *
 * <p>Program headers are written early, so that a save killed outright (SIGKILL, power loss:
 * no chance to salvage) still leaves a file readers can use: each PT_LOAD header is written as
 * soon as its segment ends, and the open segment gets a provisional header covering the data
 * already in the target every {@value #PROVISIONAL_EVERY_BYTES} bytes (a level-0 save is one
 * segment per RAM region, so before, a killed save held hundreds of MB under PT_NULL headers
 * that no tool could read). {@code e_flags} keeps {@code DUMP_ELF_INCOMPLETE}, so readers take
 * data past the end of the file as lost.
 *
 * <p>The program header table comes before the data, so its size must be known first: a
 * planning pass cuts the segments once without writing (reading every page when zero pages are
 * excluded or a content filter is set, as makedumpfile does for ELF output:
 * {@code exclude_zero_pages_cyclic()}), then the writing pass cuts them again and writes each
 * PT_LOAD header after its data. Headers of segments never written stay zero (PT_NULL), and
 * {@code e_flags} keeps {@link ElfConstants#DUMP_ELF_INCOMPLETE} until the last page is written.
 *
 * <p>A page of the source that cannot be read is left out of every PT_LOAD: it ends the segment
 * before it ({@link SegmentBuilder#lost}), so that readers fault on it ("not in the dump") rather
 * than read zeros, which is what a segment's {@code p_memsz} tail or its file data would say. ELF
 * has no mark for a lost page, so this is the honest equivalent of the kdump format's: the page
 * is missing, and {@code e_flags} keeps {@code DUMP_ELF_INCOMPLETE} in the finished file. Each
 * such split takes a segment the plan did not count, so the table has room for
 * {@value #SPARE_LOADS} more; the file's final {@code e_phnum} counts only the segments written.
 */
public final class ElfWriter {
    private static final int DATA_BUFFER = 1 << 20;
    /** How much segment data may reach the target before its provisional header is rewritten. */
    static final long PROVISIONAL_EVERY_BYTES = 16L << 20;
    private static final byte[] ZEROS = new byte[1 << 16];
    /** Program header slots beyond the plan, for segments split by unreadable pages. */
    static final int SPARE_LOADS = 64;

    private final WriteJob job;
    private final SourceFacts facts;
    private final PhysicalMemory memory;
    private final DumpSink sink;
    private final SaveStats stats;
    private final ByteOrder order;
    private final int pageSize;
    private final boolean excludeZero;
    private final List<LoadRegion> regions;
    private int machine;
    private long loads;
    private long slots;
    private long splits;
    private long phoff;
    private long shoff;
    private SequentialWriter data;
    private final byte[] phdrs = new byte[ElfEncoder.PHDR_SIZE];
    private int phdrCount;
    private long phdrIndex;
    private boolean headerWritten;
    private SegmentBuilder builder;
    private long provisionalAt;
    private boolean salvaging;

    public ElfWriter(WriteJob job) {
        this.job = job;
        this.facts = job.facts();
        this.memory = job.memory();
        this.sink = job.sink();
        this.stats = job.stats();
        this.order = facts.order();
        this.pageSize = facts.pageSize();
        this.excludeZero = DumpLevel.excludesZero(job.level());
        this.regions = LoadRegion.of(job.source());
    }

    /** Writes the whole dump; on failure leaves what was written marked incomplete and throws {@link WriteFailure}. */
    public void write() throws IOException {
        machine = job.source() instanceof ElfDump e ? e.machine() : ElfEncoder.machineNumber(facts.machine());
        loads = plan();
        slots = loads + SPARE_LOADS;
        long phnum = slots + 1;
        boolean extended = phnum >= ElfConstants.PN_XNUM;
        shoff = extended ? ElfEncoder.EHDR_SIZE : 0;
        phoff = ElfEncoder.EHDR_SIZE + (extended ? ElfEncoder.SHDR_SIZE : 0);
        long notesOffset = phoff + phnum * ElfEncoder.PHDR_SIZE;
        long dataOffset = (notesOffset + facts.notes().length + pageSize - 1) / pageSize * pageSize;
        try {
            sink.write(0, ElfEncoder.ehdr(order, machine, phnum, phoff, shoff, ElfConstants.DUMP_ELF_INCOMPLETE), 0,
                    ElfEncoder.EHDR_SIZE);
            headerWritten = true;
            if (extended) {
                sink.write(shoff, ElfEncoder.shdrForExtendedPhnum(order, phnum), 0, ElfEncoder.SHDR_SIZE);
            }
            byte[] note = new byte[ElfEncoder.PHDR_SIZE];
            ElfEncoder.phdr(note, 0, order, ElfConstants.PT_NOTE, notesOffset, 0, 0, facts.notes().length,
                    facts.notes().length);
            sink.write(phoff, note, 0, note.length);
            sink.write(notesOffset, facts.notes(), 0, facts.notes().length);
            data = new SequentialWriter(sink, dataOffset, DATA_BUFFER);
            writeSegments();
            data.flush();
            flushPhdrs(phdrCount);
            if (phdrIndex != loads && stats.pagesLost() == 0) {
                throw new IOException("planned " + loads + " PT_LOAD segments but wrote " + phdrIndex
                        + ": the page filter or classifier answered differently on the second pass");
            }
            // Only the segments written: the spare slots left go (the PT_LOADs are the first slots).
            long written = phdrIndex + 1;
            if (extended) {
                sink.write(shoff, ElfEncoder.shdrForExtendedPhnum(order, written), 0, ElfEncoder.SHDR_SIZE);
            }
            sink.write(0, ElfEncoder.ehdr(order, machine, written, phoff, shoff,
                    stats.pagesLost() == 0 ? 0 : ElfConstants.DUMP_ELF_INCOMPLETE), 0, ElfEncoder.EHDR_SIZE);
        } catch (TargetWriteException | SourceReadException e) {
            throw new WriteFailure(e, salvage(e));
        }
        if (stats.pagesLost() > 0) {
            throw new WriteFailure(stats.lostProblem(), true);
        }
    }

    private boolean contentChecks() {
        return excludeZero || job.options().filter() != PageFilter.NONE;
    }

    /** Counts the PT_LOADs the writing pass will make. */
    private long plan() throws IOException {
        long[] n = {0};
        SegmentBuilder counter = new SegmentBuilder(pageSize, new SegmentBuilder.Emitter() {
            @Override
            public void data(byte[] b, int off, int len) {
            }

            @Override
            public void zeros(long len) {
            }

            @Override
            public void segment(long paddr, long vaddr, long filesz, long memsz) {
                n[0]++;
            }
        });
        if (!contentChecks()) {
            for (LoadRegion r : regions) {
                counter.startRegion(r);
                for (long pfn = counter.firstPfn(r); pfn < counter.endPfn(r); pfn++) {
                    counter.page(pfn, job.candidate(pfn), null, 0);
                }
                counter.endRegion();
            }
            return n[0];
        }
        PageReader reader = new PageReader(memory);
        try (PagePipeline p = new PagePipeline(reader, null, excludeZero, job.options().filter(),
                job.options().threads(), page -> {
                    if (page.outcome() == EncodedPage.Outcome.LOST) {
                        // Planned as the writing pass will most likely find it; if the source answers
                        // differently then, the spare slots take the difference.
                        counter.lost(page.pfn());
                    } else {
                        counter.page(page.pfn(), page.outcome() == EncodedPage.Outcome.STORED, null, 0);
                    }
                })) {
            for (LoadRegion r : regions) {
                counter.startRegion(r);
                for (long pfn = counter.firstPfn(r); pfn < counter.endPfn(r); pfn++) {
                    if (job.candidate(pfn)) {
                        p.add(pfn);
                    } else {
                        p.pass(pfn);
                    }
                }
                p.flush();
                counter.endRegion();
            }
        }
        return n[0];
    }

    private void writeSegments() throws IOException {
        builder = new SegmentBuilder(pageSize, new SegmentBuilder.Emitter() {
            @Override
            public void data(byte[] b, int off, int len) throws IOException {
                data.write(b, off, len);
                provisional(len);
            }

            @Override
            public void zeros(long len) throws IOException {
                for (long done = 0; done < len; ) {
                    int n = (int) Math.min(ZEROS.length, len - done);
                    data.write(ZEROS, 0, n);
                    done += n;
                }
                provisional(len);
            }

            @Override
            public void segment(long paddr, long vaddr, long filesz, long memsz) throws IOException {
                addPhdr(paddr, vaddr, filesz, memsz);
            }
        });
        long frames = 0;
        for (LoadRegion r : regions) {
            frames += builder.endPfn(r) - builder.firstPfn(r);
        }
        stats.pagesTotal(frames);
        // ELF output classifies as it goes: every frame of a region is a candidate read (an upper bound).
        stats.plan(frames * facts.pageSize());
        PageReader reader = new PageReader(memory);
        stats.track(reader, sink::bytesOut);
        try (PagePipeline p = new PagePipeline(reader, null, excludeZero, job.options().filter(),
                job.options().threads(), page -> {
                    switch (page.outcome()) {
                        case STORED -> stats.count(PageClass.KEPT);
                        case ZERO -> stats.count(PageClass.ZERO);
                        case FILTERED -> stats.countFiltered();
                        case PASSED -> {
                            if (job.state(page.pfn()) == PhysicalMemory.PageState.PRESENT) {
                                stats.count(job.classify(page.pfn()));
                            } else {
                                stats.countAbsent();
                            }
                        }
                        case LOST -> {
                            lost(page.pfn(), page.lostCause());
                            return;
                        }
                    }
                    builder.page(page.pfn(), page.outcome() == EncodedPage.Outcome.STORED, page.data(),
                            page.offset());
                })) {
            for (LoadRegion r : regions) {
                builder.startRegion(r);
                for (long pfn = builder.firstPfn(r); pfn < builder.endPfn(r); pfn++) {
                    if (job.candidate(pfn)) {
                        p.add(pfn);
                    } else {
                        p.pass(pfn);
                    }
                }
                p.flush();
                builder.endRegion();
            }
        } finally {
            stats.report();
        }
    }

    /**
     * An unreadable page: counted (which stops the save past the limits), and cut out of the
     * segments; a split beyond the spare slots stops the save too.
     */
    private void lost(long pfn, SourceReadException cause) throws IOException {
        if (builder.segmentOpen() && ++splits > SPARE_LOADS) {
            throw new SourceReadException(pfn, new IOException("more than " + SPARE_LOADS
                    + " separate ranges of unreadable pages: the ELF dump has no room for more segments, so the save"
                    + " stops (the kdump format has no such limit): " + cause.getMessage(), cause));
        }
        stats.countLost(pfn, cause);
        builder.lost(pfn);
    }

    /** A PT_LOAD whose file data were the last {@code filesz} bytes written; offset 0 when it has none, as makedumpfile. */
    private void addPhdr(long paddr, long vaddr, long filesz, long memsz) throws IOException {
        long offset = filesz == 0 ? 0 : data.position() - filesz;
        // One slot: a segment re-emitted after its data flush failed (salvage) replaces itself.
        ElfEncoder.phdr(phdrs, 0, order, ElfConstants.PT_LOAD, offset, vaddr, paddr,
                filesz, memsz);
        phdrCount = 1;
        // Written at once, data first: a killed save keeps every finished segment. (While
        // salvaging after a failed write the data cannot be flushed; the header still goes.)
        if (!salvaging) {
            data.flush();
        }
        flushPhdrs(phdrCount);
        provisionalAt = data.committed();
    }

    /**
     * The open segment's header in its slot, covering the part of its data the target already
     * holds, when another {@link #PROVISIONAL_EVERY_BYTES} bytes have reached it since the last.
     * The final header ({@link #addPhdr}) overwrites it. {@code justGiven}: the bytes of the
     * call being made, which the builder adds to its {@code filesz} only when the call returns.
     */
    private void provisional(long justGiven) throws IOException {
        long committed = data.committed();
        if (committed - provisionalAt < PROVISIONAL_EVERY_BYTES || builder == null || !builder.segmentOpen()
                || phdrCount != 0 || phdrIndex >= slots) {
            return;
        }
        long segStart = data.position() - builder.openFilesz() - justGiven;
        long filesz = committed - segStart;
        if (filesz <= 0) {
            return;
        }
        byte[] h = new byte[ElfEncoder.PHDR_SIZE];
        ElfEncoder.phdr(h, 0, order, ElfConstants.PT_LOAD, segStart, builder.openVaddr(), builder.openPaddr(), filesz,
                filesz);
        sink.write(phoff + (1 + phdrIndex) * ElfEncoder.PHDR_SIZE, h, 0, h.length);
        provisionalAt = committed;
    }

    /** Writes the first {@code n} buffered PT_LOAD headers (their data is already in the target). */
    private void flushPhdrs(int n) throws IOException {
        if (n > 0) {
            if (phdrIndex + n > slots) {
                throw new IOException("more PT_LOAD segments than planned (" + loads + " and " + SPARE_LOADS
                        + " spare): the page filter or classifier answered differently on the second pass");
            }
            sink.write(phoff + (1 + phdrIndex) * ElfEncoder.PHDR_SIZE, phdrs, 0, n * ElfEncoder.PHDR_SIZE);
            phdrIndex += n;
        }
        phdrCount = 0;
    }

    /**
     * After a failure: closes the segment being written with what it got so far and writes the
     * headers still buffered. A segment whose data did not all reach the target (the target
     * filled up) keeps its full {@code p_filesz}: with {@code DUMP_ELF_INCOMPLETE} set, readers take
     * file data missing past the end of the file as lost pages, which is what they are.
     */
    private boolean salvage(IOException cause) {
        salvaging = true;
        try {
            if (data != null) {
                if (builder != null) {
                    builder.endRegion();
                }
                if (!(cause instanceof TargetWriteException)) {
                    data.flush();
                }
                flushPhdrs(phdrCount);
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
        return headerWritten;
    }
}
