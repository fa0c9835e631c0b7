package io.kdump4j.capture.pipeline;

import io.kdump4j.format.mem.MemoryFault;
import io.kdump4j.format.mem.PhysicalMemory;
import java.io.IOException;
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
