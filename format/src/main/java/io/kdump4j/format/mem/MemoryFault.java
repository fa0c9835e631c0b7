package io.kdump4j.format.mem;

import java.io.IOException;

/**
 * An address that cannot be read: names the address, the address space and why, so that a
 * user can tell a filtered page from a bad pointer.
 */
public final class MemoryFault extends IOException {

    /** Why a read failed. */
    public enum Reason {
        /** No mapping: the page tables do not map it, or no RAM is there. */
        NOT_MAPPED("not mapped"),
        /** RAM, but this dump does not contain it (outside every segment). */
        NOT_IN_DUMP("not in this dump"),
        /** The saver filtered it out (makedumpfile dump level). */
        EXCLUDED("excluded by the dump level"),
        /** The dump is incomplete and this page was never written. */
        LOST("lost: the dump is incomplete and this page was never written");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final long address;
    private final AddressSpace space;
    private final Reason reason;

    public MemoryFault(long address, AddressSpace space, Reason reason) {
        this(address, space, reason, null);
    }

    public MemoryFault(long address, AddressSpace space, Reason reason, String detail) {
        super(space.label() + " address 0x" + Long.toHexString(address) + " cannot be read: " + reason.text()
                + (detail == null ? "" : " (" + detail + ")"));
        this.address = address;
        this.space = space;
        this.reason = reason;
    }

    public long address() {
        return address;
    }

    public AddressSpace space() {
        return space;
    }

    public Reason reason() {
        return reason;
    }
}
