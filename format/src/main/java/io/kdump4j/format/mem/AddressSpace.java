package io.kdump4j.format.mem;

/** Which address space an address belongs to; physical and virtual are never mixed. */
public enum AddressSpace {
    PHYSICAL("physical"),
    VIRTUAL("kernel virtual");

    private final String label;

    AddressSpace(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
