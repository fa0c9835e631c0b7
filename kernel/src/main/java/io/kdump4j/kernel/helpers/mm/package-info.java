/**
 * Memory management helpers: totals and zones ({@link io.kdump4j.kernel.helpers.mm.Memory}),
 * where each frame's {@code struct page} is ({@link io.kdump4j.kernel.helpers.mm.MemMap}: the
 * SPARSEMEM section table) and what a struct page says ({@link io.kdump4j.kernel.helpers.mm.PageLayout}:
 * flags, page types, compound heads and orders, hugetlb, buddy blocks), all from VMCOREINFO
 * and by feature detection, never by kernel version. The saver's page classifier
 * ({@code capture.classify}) builds makedumpfile's rules on these.
 */
package io.kdump4j.kernel.helpers.mm;
