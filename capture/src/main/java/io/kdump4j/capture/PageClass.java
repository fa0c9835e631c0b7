package io.kdump4j.capture;

/**
 * What a page of RAM holds, as far as dump filtering cares. A {@link PageClassifier} (the
 * kernel module reads {@code struct page} for this) decides every class but {@link #ZERO},
 * which the saver finds itself from the page's bytes.
 */
public enum PageClass {
    /** Kernel data and everything no rule excludes: always dumped. */
    KEPT(0),
    /** Filled with zeros (dump level bit 1). */
    ZERO(DumpLevel.EXCLUDE_ZERO),
    /**
     * Page cache without private data: excluded by bit 2, and by bit 4 ("all cache": makedumpfile
     * at level 4 alone excludes these too).
     */
    CACHE(DumpLevel.EXCLUDE_CACHE | DumpLevel.EXCLUDE_CACHE_PRIVATE),
    /** Page cache with private data, such as buffer heads (bit 4). */
    CACHE_PRIVATE(DumpLevel.EXCLUDE_CACHE_PRIVATE),
    /** User process data: anonymous pages (bit 8). */
    USER(DumpLevel.EXCLUDE_USER),
    /** Free pages in the buddy allocator (bit 16). */
    FREE(DumpLevel.EXCLUDE_FREE),
    /** Hardware-poisoned pages: makedumpfile never reads them, whatever the level. */
    HWPOISON(-1),
    /** Offline pages (PageOffline, e.g. ballooned out): never dumped, whatever the level. */
    OFFLINE(-1);

    /** The dump level bits that exclude this class (any of them); -1 for always. */
    private final int levelBits;

    PageClass(int levelBits) {
        this.levelBits = levelBits;
    }

    /** Whether a dump at {@code level} leaves pages of this class out. */
    public boolean excludedAt(int level) {
        return levelBits < 0 || (level & levelBits) != 0;
    }
}
