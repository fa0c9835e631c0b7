package io.kdump4j.format.kdump;

/**
 * Where each field of {@code struct kdump_sub_header} lies in the three C layouts that exist,
 * and the header version that introduced it (makedumpfile {@code diskdump_mod.h}; the 32-bit
 * variants as libkdumpfile's {@code kdump_sub_header_32pack/_32pad} and crash's offset table in
 * {@code diskdump.c} spell them out).
 *
 * <pre>
 * field              version  LP64     i386 (packed)  32-bit ARM etc. (u64 8-aligned)
 * phys_base            0      0/8      0/4            0/4
 * dump_level           1      8/4      4/4            4/4
 * split                2      12/4     8/4            8/4
 * start_pfn            2      16/8     12/4           12/4
 * end_pfn              2      24/8     16/4           16/4
 * offset_vmcoreinfo    3      32/8     20/8           24/8
 * size_vmcoreinfo      3      40/8     28/4           32/4
 * offset_note          4      48/8     32/8           40/8
 * size_note            4      56/8     40/4           48/4
 * offset_eraseinfo     5      64/8     44/8           56/8
 * size_eraseinfo       5      72/8     52/4           64/4
 * start_pfn_64         6      80/8     56/8           72/8
 * end_pfn_64           6      88/8     64/8           80/8
 * max_mapnr_64         6      96/8     72/8           88/8
 * </pre>
 */
public enum SubHeaderLayout {
    LP64(new int[] {0, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 96},
            new int[] {8, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8}),
    I386_PACKED(new int[] {0, 4, 8, 12, 16, 20, 28, 32, 40, 44, 52, 56, 64, 72},
            new int[] {4, 4, 4, 4, 4, 8, 4, 8, 4, 8, 4, 8, 8, 8}),
    ILP32_PADDED(new int[] {0, 4, 8, 12, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88},
            new int[] {4, 4, 4, 4, 4, 8, 4, 8, 4, 8, 4, 8, 8, 8});

    static final int PHYS_BASE = 0;
    static final int DUMP_LEVEL = 1;
    static final int SPLIT = 2;
    static final int START_PFN = 3;
    static final int END_PFN = 4;
    static final int OFFSET_VMCOREINFO = 5;
    static final int SIZE_VMCOREINFO = 6;
    static final int OFFSET_NOTE = 7;
    static final int SIZE_NOTE = 8;
    static final int OFFSET_ERASEINFO = 9;
    static final int SIZE_ERASEINFO = 10;
    static final int START_PFN_64 = 11;
    static final int END_PFN_64 = 12;
    static final int MAX_MAPNR_64 = 13;

    private static final int[] SINCE = {0, 1, 2, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 6};
    static final String[] NAMES = {"phys_base", "dump_level", "split", "start_pfn", "end_pfn", "offset_vmcoreinfo",
        "size_vmcoreinfo", "offset_note", "size_note", "offset_eraseinfo", "size_eraseinfo", "start_pfn_64",
        "end_pfn_64", "max_mapnr_64"};

    private final int[] offset;
    private final int[] size;

    SubHeaderLayout(int[] offset, int[] size) {
        this.offset = offset;
        this.size = size;
    }

    int offset(int field) {
        return offset[field];
    }

    int size(int field) {
        return size[field];
    }

    static boolean present(int field, int version) {
        return version >= SINCE[field];
    }

    /** The bytes a sub-header of {@code version} occupies: the end of its last field. */
    int bytesFor(int version) {
        int end = 0;
        for (int f = 0; f < offset.length; f++) {
            if (present(f, version)) {
                end = Math.max(end, offset[f] + size[f]);
            }
        }
        return end;
    }
}
