/**
 * Page classification from the crashed kernel's {@code struct page} array, using only
 * VMCOREINFO: where the array is ({@link io.kdump4j.capture.classify.MemMap}, SPARSEMEM and
 * SPARSEMEM_VMEMMAP), what its fields and flag bits mean
 * ({@link io.kdump4j.capture.classify.PageLayout}), and the classification itself in bounded
 * chunks ({@link io.kdump4j.capture.classify.StructPageClassifier}), with makedumpfile's
 * dump-level rules.
 */
package io.kdump4j.capture.classify;
