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

/**
 * A real dump whose whole-page reads start failing after a given number of them (a disk error
 * mid-way), or fail for chosen page frames only (bad sectors, an EIO of {@code /proc/vmcore}).
 */
final class FailingSource implements DumpFile {
    private final DumpFile real;
    private final long failAfter;
    private final java.util.function.LongPredicate badPfn;
    private final AtomicLong reads = new AtomicLong();
    private final PhysicalMemory memory;

    FailingSource(DumpFile real, long failAfterReads) {
        this(real, failAfterReads, false);
    }

    /** With {@code concurrent}, says it can be read from several threads (the saver then reads on its compression threads). */
    FailingSource(DumpFile real, long failAfterReads, boolean concurrent) {
        this(real, failAfterReads, pfn -> false, concurrent);
    }

    /** Whole-page reads of the frames {@code bad} accepts fail (an I/O error), every time. */
    static FailingSource failingAt(DumpFile real, java.util.function.LongPredicate bad, boolean concurrent) {
        return new FailingSource(real, Long.MAX_VALUE, bad, concurrent);
    }

    private FailingSource(DumpFile real, long failAfterReads, java.util.function.LongPredicate bad, boolean concurrent) {
        this.real = real;
        this.failAfter = failAfterReads;
        this.badPfn = bad;
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
                if (length == m.pageSize() && badPfn.test(paddr / length)) {
                    throw new IOException("injected EIO at physical 0x" + Long.toHexString(paddr));
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
