package io.kdump4j.capture;

import io.kdump4j.format.DumpDetails;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Note;
import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** A real dump whose whole-page reads start failing after a given number of them (a disk error mid-way). */
final class FailingSource implements DumpFile {
    private final DumpFile real;
    private final long failAfter;
    private final AtomicLong reads = new AtomicLong();
    private final PhysicalMemory memory;

    FailingSource(DumpFile real, long failAfterReads) {
        this(real, failAfterReads, false);
    }

    /** With {@code concurrent}, says it can be read from several threads (the saver then reads on its compression threads). */
    FailingSource(DumpFile real, long failAfterReads, boolean concurrent) {
        this.real = real;
        this.failAfter = failAfterReads;
        PhysicalMemory m = real.memory();
        this.memory = new PhysicalMemory() {
            @Override
            public int pageSize() {
                return m.pageSize();
            }

            @Override
            public void read(long paddr, byte[] dst, int dstOffset, int length) throws IOException {
                // Only whole-page reads count: the saver's own small reads (init_uts_ns) are not pages.
                if (length == m.pageSize() && reads.incrementAndGet() > failAfter) {
                    throw new DumpFormatException(real.name(), paddr, "injected read error");
                }
                m.read(paddr, dst, dstOffset, length);
            }

            @Override
            public boolean concurrentReads() {
                return concurrent && m.concurrentReads();
            }

            @Override
            public PageState state(long pfn) {
                return m.state(pfn);
            }

            @Override
            public long maxPfn() {
                return m.maxPfn();
            }

            @Override
            public long pagesPresent() {
                return m.pagesPresent();
            }

            @Override
            public long pagesExcluded() {
                return m.pagesExcluded();
            }
        };
    }

    long reads() {
        return reads.get();
    }

    @Override
    public String name() {
        return real.name();
    }

    @Override
    public DumpDetails details() {
        return real.details();
    }

    @Override
    public ByteOrder byteOrder() {
        return real.byteOrder();
    }

    @Override
    public List<Note> notes() {
        return real.notes();
    }

    @Override
    public PhysicalMemory memory() {
        return memory;
    }

    @Override
    public void close() throws IOException {
        real.close();
    }
}
