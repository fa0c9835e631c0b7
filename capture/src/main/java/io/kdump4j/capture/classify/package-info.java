/**
 * Page classification from the crashed kernel's {@code struct page} array, using only
 * VMCOREINFO: where the array is ({@link io.kdump4j.capture.classify.MemMap}, SPARSEMEM and
 * SPARSEMEM_VMEMMAP), what its fields and flag bits mean
 * ({@link io.kdump4j.capture.classify.PageLayout}), makedumpfile's rules for one page
 * ({@link io.kdump4j.capture.classify.PageRules}), and the classification of the whole map in
 * bounded chunks ({@link io.kdump4j.capture.classify.StructPageClassifier}).
 */
package io.kdump4j.capture.classify;
