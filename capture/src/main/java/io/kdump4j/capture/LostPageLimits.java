package io.kdump4j.capture;

/**
 * How many pages of the source may fail to read before a save gives up. Below both limits a page
 * that cannot be read (an EIO from {@code /proc/vmcore}, a corrupt compressed page of a
 * kdump-compressed source) is written as lost, counted, and the save goes on; the dump is then
 * marked incomplete. Past either limit the source is taken as gone (a disk that died, a file cut
 * short) and the save stops there, leaving what it wrote marked incomplete, as for a full disk.
 *
 * @param consecutive unreadable pages in a row (in PFN order of the pages the save reads) that stop
 *     the save
 * @param total unreadable pages in all that stop the save
 */
public record LostPageLimits(int consecutive, long total) {
    /**
     * 1024 pages in a row (4 MiB of 4 KiB pages: no single bad sector or poisoned page is that
     * large) or 65536 in all (256 MiB).
     */
    public static final LostPageLimits DEFAULT = new LostPageLimits(1024, 65536);

    public LostPageLimits {
        if (consecutive < 1 || total < 1) {
            throw new IllegalArgumentException("lost page limits must be at least 1, not " + consecutive + "/" + total);
        }
    }
}
