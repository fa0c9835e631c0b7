/**
 * Page classification for the dump levels, with makedumpfile's rules: one page's class from its
 * decoded {@code struct page} ({@link io.kdump4j.capture.classify.PageRules}), and the whole map
 * in bounded chunks ({@link io.kdump4j.capture.classify.StructPageClassifier}). Where the struct
 * page array is and what its fields mean is kernel knowledge, in
 * {@link io.kdump4j.kernel.helpers.mm.MemMap} and {@link io.kdump4j.kernel.helpers.mm.PageLayout},
 * shared with analysis.
 */
package io.kdump4j.capture.classify;
