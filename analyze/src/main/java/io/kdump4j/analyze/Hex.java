package io.kdump4j.analyze;

/** Address formatting shared by the renderers. */
final class Hex {
    private Hex() {
    }

    /** 16 hex digits, as crash prints kernel addresses. */
    static String addr(long v) {
        return String.format("%016x", v);
    }

    /** "0x" and minimal hex digits, for JSON. */
    static String of(long v) {
        return "0x" + Long.toHexString(v);
    }
}
