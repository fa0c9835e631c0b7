package io.kdump4j.capture;

/** The bitmap size rule, stated independently of the writer: ceil(ceil(max_mapnr / 8) / block_size) blocks each. */
final class KdumpCheckReaderMath {
    private KdumpCheckReaderMath() {
    }

    static long bitmapBlocks(long maxMapnr, int blockSize) {
        long bytes = (maxMapnr + 7) / 8;
        return (bytes + blockSize - 1) / blockSize;
    }
}
