package io.kdump4j.capture.pipeline;

import io.kdump4j.format.io.Bytes;
import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Reads whole pages of the source. A page that a segment covers only in part (an ELF PT_LOAD
 * that starts or ends inside a page, as e820 ranges may) reads the covered bytes and zeros for
 * the rest, as makedumpfile's {@code readpage_elf()} does; any other failure is a
 * {@link SourceReadException}.
 */
public final class PageReader {
    private static final int SECTOR = 512;

    private final PhysicalMemory memory;
    private final int pageSize;
    private long bytesIn;

    public PageReader(PhysicalMemory memory) {
        this.memory = memory;
        this.pageSize = memory.pageSize();
    }

    public int pageSize() {
        return pageSize;
    }

    /** Bytes read from the source so far. */
    public long bytesIn() {
        return bytesIn;
    }

    /** A reader of the same source for another thread (its own byte count; the source must allow concurrent reads). */
    PageReader forAnotherThread() {
        return new PageReader(memory);
    }

    /** Adds bytes that another thread's reader read for this one's pipeline. */
    void countRead(long bytes) {
        bytesIn += bytes;
    }

    /**
     * Reads the page unless it is all zeros, which is then told without copying it when the source
     * is a mapped file (most of a dump's pages can be zero); returns whether it was zero. The page's
     * bytes in {@code dst} are undefined when it was.
     */
    public boolean readUnlessZero(long pfn, byte[] dst, int off) throws SourceReadException {
        MemorySegment m = memory.mapped(pfn * pageSize, pageSize);
        if (m == null) {
            read(pfn, dst, off);
            return Bytes.isZero(dst, off, pageSize);
        }
        // A SIGBUS on the mapping (the file cut short, failed storage) arrives as an InternalError
        // at a later safepoint poll, so the try holds the returns too (see MappedByteSource.read).
        try {
            boolean zero = Bytes.isZero(m);
            if (!zero) {
                MemorySegment.copy(m, ValueLayout.JAVA_BYTE, 0, dst, off, pageSize);
            }
            bytesIn += pageSize;
            return zero;
        } catch (InternalError fault) {
            throw new SourceReadException(pfn, new IOException("page at physical 0x" + Long.toHexString(pfn * pageSize)
                    + ": the mapped source failed while it was read (file cut short or storage error)", fault));
        }
    }

    public void read(long pfn, byte[] dst, int off) throws SourceReadException {
        long paddr = pfn * pageSize;
        try {
            memory.read(paddr, dst, off, pageSize);
        } catch (MemoryFault f) {
            if (f.reason() != MemoryFault.Reason.NOT_IN_DUMP) {
                throw new SourceReadException(pfn, f);
            }
            readPartial(pfn, paddr, dst, off);
        } catch (IOException e) {
            throw new SourceReadException(pfn, e);
        } catch (RuntimeException e) {
            throw new SourceReadException(pfn, new IOException("reader failed: " + e, e));
        }
        bytesIn += pageSize;
    }

    /** Sector by sector, then byte by byte in sectors that are themselves partial: only boundary pages get here. */
    private void readPartial(long pfn, long paddr, byte[] dst, int off) throws SourceReadException {
        boolean any = false;
        for (int s = 0; s < pageSize; s += SECTOR) {
            try {
                memory.read(paddr + s, dst, off + s, SECTOR);
                any = true;
            } catch (MemoryFault f) {
                for (int b = 0; b < SECTOR; b++) {
                    try {
                        memory.read(paddr + s + b, dst, off + s + b, 1);
                        any = true;
                    } catch (MemoryFault g) {
                        dst[off + s + b] = 0;
                    } catch (IOException e) {
                        throw new SourceReadException(pfn, e);
                    }
                }
            } catch (IOException e) {
                throw new SourceReadException(pfn, e);
            }
        }
        if (!any) {
            Arrays.fill(dst, off, off + pageSize, (byte) 0);
            throw new SourceReadException(pfn, new MemoryFault(paddr, io.kdump4j.format.mem.AddressSpace.PHYSICAL,
                    MemoryFault.Reason.NOT_IN_DUMP, "the source said the page is present"));
        }
    }
}
