/**
 * Saving a dump ("kdump4j save"): {@link io.kdump4j.capture.Saver} reads a source
 * {@link io.kdump4j.format.DumpFile} page by page and writes a kdump-compressed, flattened or ELF dump.
 *
 * <pre>
 *  source PhysicalMemory ──► PageReader ──► PagePipeline ──────────────► KdumpWriter / ElfWriter ──► DumpSink
 *  (PFN order, calling      (whole pages,   (N threads: zero test,       (bitmaps, page_desc,         FileSink (TARGET.incomplete,
 *   thread)                  partial ones    PageFilter, PageCodec;       PT_LOADs; cycle by cycle)    0600, fsync, rename) or
 *                            zero-filled)    results back in PFN order)                                FlattenedSink (a stream)
 * </pre>
 *
 * <p>Pages travel in recycled batches. With one thread there is no hand-over at all; with N, the
 * calling thread classifies frames and writes results while N threads read (when the source
 * allows concurrent reads: a mapped or positionally read file such as an ELF core or
 * /proc/vmcore), test and compress pages. A zero page of a mapped source is recognised in place,
 * without copying it.
 *
 * <p>What decides which pages go in: the dump level ({@link io.kdump4j.capture.DumpLevel}); the
 * frame classes a {@link io.kdump4j.capture.PageClassifier} gives (the kernel module reads
 * {@code struct page}; without one every frame is kept); zero pages, found here from their bytes;
 * and an optional {@link io.kdump4j.capture.PageFilter} on page contents.
 *
 * <p>Choices worth knowing, each explained where it is made:
 * <ul>
 *   <li>kdump-compressed output is makedumpfile's, byte for byte, when written in PFN order
 *   ({@link io.kdump4j.capture.WriteOrder#PFN}); zero pages at level bit 1 stay in the 2nd bitmap
 *   and share one descriptor, as makedumpfile does (they leave the bitmap only in ELF output,
 *   whose PT_LOADs are cut by makedumpfile {@code -E}'s 256-page rule and match its own).</li>
 *   <li>By default page data is written kernel image first, then from the top of memory down
 *   ({@link io.kdump4j.capture.WriteOrder#KERNEL_FIRST}), so a dump cut short by a full disk still
 *   holds what {@code makedumpfile --dump-dmesg} and crash need first.</li>
 *   <li>A dump is marked incomplete in its header from the first write until the last, and a file
 *   keeps the name {@code TARGET.incomplete} unless the save completed
 *   ({@link io.kdump4j.capture.SaveResult}).</li>
 *   <li>Memory is bounded by the cycle ({@link io.kdump4j.capture.SaveOptions#cyclePfns()}) and
 *   the pipeline depth, never by the size of the dump.</li>
 * </ul>
 */
package io.kdump4j.capture;
