/**
 * makedumpfile's containers: the kdump-compressed / diskdump format and the flattened stream.
 *
 * <ul>
 *   <li>{@link io.kdump4j.format.kdump.KdumpFile}: one dump (or a split set) as a
 *       {@link io.kdump4j.format.DumpFile}; {@code KdumpPart} is one parsed file,
 *       {@code KdumpMemory} its pages.</li>
 *   <li>{@link io.kdump4j.format.kdump.DiskDumpHeader} and
 *       {@link io.kdump4j.format.kdump.KdumpSubHeader}: the on-disk headers, LP64 and ILP32
 *       ({@link io.kdump4j.format.kdump.SubHeaderLayout}).</li>
 *   <li>{@code DumpBitmap}: a bitmap read in place with a rank index (PFN to page_desc);
 *       {@code PageDesc}: {@code struct page_desc}.</li>
 *   <li>{@link io.kdump4j.format.kdump.FlattenedByteSource}: the flattened stream indexed in
 *       place (last write wins) and rebuilt to a file ({@code makedumpfile -R});
 *       {@code FlatRecords} walks and validates its records.</li>
 * </ul>
 *
 * Nothing proportional to the dump is kept on the heap: bitmaps, descriptors and page data are
 * read from the mapped file when needed; the rank index costs 8 bytes per 4096 PFNs and the
 * decoded-page cache holds at most 128 pages ({@code KdumpMemory.CACHE_PAGES}).
 */
package io.kdump4j.format.kdump;
