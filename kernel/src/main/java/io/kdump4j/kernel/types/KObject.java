package io.kdump4j.kernel.types;

import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.btf.BtfKind;
import io.kdump4j.kernel.btf.BtfType;
import java.io.IOException;

/**
 * A typed object in kernel memory: an address and a BTF type. Members, pointers and arrays are
 * followed lazily; nothing is read until a value is asked for.
 *
 * <pre>{@code
 * KObject task = KObject.of(types, "task_struct", addr);
 * long pid = task.member("pid").value();
 * String comm = task.member("comm").string();
 * KObject parent = task.member("real_parent").deref();
 * }</pre>
 */
public final class KObject {
    private final KernelTypes types;
    private final long address;
    private final int typeId;
    private final Field bitfield;

    private KObject(KernelTypes types, long address, int typeId, Field bitfield) {
        this.types = types;
        this.address = address;
        this.typeId = typeId;
        this.bitfield = bitfield;
    }

    /** The object of type {@code struct name} at {@code address}. */
    public static KObject of(KernelTypes types, String struct, long address) throws TypeLookupException {
        BtfType t = types.struct(struct).orElseThrow(() -> types.missing("struct " + struct));
        return new KObject(types, address, t.id(), null);
    }

    /** The object of type id {@code typeId} at {@code address}. */
    public static KObject of(KernelTypes types, int typeId, long address) {
        return new KObject(types, address, typeId, null);
    }

    public long address() {
        return address;
    }

    public int typeId() {
        return typeId;
    }

    /** The type, typedefs and qualifiers resolved. */
    public BtfType type() throws TypeLookupException {
        return types.resolve(typeId);
    }

    /** A member by path ({@code "signal.thread_head"}), anonymous members entered transparently. */
    public KObject member(String path) throws TypeLookupException {
        BtfType t = type();
        if (t.kind() != BtfKind.STRUCT && t.kind() != BtfKind.UNION) {
            throw new TypeLookupException("member " + path + " of " + t + ": not a struct or union");
        }
        Field f = types.field(t, path).orElseThrow(() -> types.missing("member " + path + " of " + t));
        return new KObject(types, address + f.offset(), f.type(), f.bitSize() > 0 ? f : null);
    }

    /** Whether the member path exists in this object's struct. */
    public boolean has(String path) throws TypeLookupException {
        BtfType t = type();
        return (t.kind() == BtfKind.STRUCT || t.kind() == BtfKind.UNION) && types.field(t, path).isPresent();
    }

    /**
     * The value of an integer, enum, bitfield or pointer (pointer tag bits removed). Signed
     * integers and signed enums are sign-extended.
     */
    public long value() throws IOException {
        BtfType t = type();
        KernelMemory m = types.dump().memory();
        if (t.kind() == BtfKind.PTR) {
            return m.pointer(address);
        }
        int size = (int) types.sizeOf(typeId);
        long raw = switch (size) {
            case 1 -> m.u8(address);
            case 2 -> m.u16(address);
            case 4 -> m.u32(address);
            case 8 -> m.u64(address);
            default -> throw new TypeLookupException(t + " of " + size + " bytes is not a scalar");
        };
        if (bitfield != null) {
            long bits = bitfield.bitSize();
            long v = raw >>> bitfield.bitOffset();
            return bits >= 64 ? v : v & ((1L << bits) - 1);
        }
        boolean signed = t.kind() == BtfKind.INT ? t.intSigned() : t.kindFlag();
        if (signed && size < 8) {
            int shift = 64 - size * 8;
            return (raw << shift) >> shift;
        }
        return raw;
    }

    /** The object a pointer points to. */
    public KObject deref() throws IOException {
        BtfType t = type();
        if (t.kind() != BtfKind.PTR) {
            throw new TypeLookupException(t + " is not a pointer");
        }
        return new KObject(types, types.dump().memory().pointer(address), t.ref(), null);
    }

    /** Element {@code i} of an array, or of the array a pointer points to. */
    public KObject index(long i) throws IOException {
        BtfType t = type();
        int elem;
        long base;
        if (t.kind() == BtfKind.ARRAY) {
            elem = t.ref();
            base = address;
        } else if (t.kind() == BtfKind.PTR) {
            elem = t.ref();
            base = types.dump().memory().pointer(address);
        } else {
            throw new TypeLookupException(t + " is neither an array nor a pointer");
        }
        return new KObject(types, base + i * types.sizeOf(elem), elem, null);
    }

    /** The element count of an array type. */
    public long length() throws TypeLookupException {
        BtfType t = type();
        if (t.kind() != BtfKind.ARRAY) {
            throw new TypeLookupException(t + " is not an array");
        }
        return t.arrayLength();
    }

    /** A char array's contents up to its first NUL, or the string a {@code char *} points to. */
    public String string() throws IOException {
        BtfType t = type();
        KernelMemory m = types.dump().memory();
        if (t.kind() == BtfKind.ARRAY) {
            return m.cString(address, (int) Math.min(t.arrayLength(), 4096));
        }
        if (t.kind() == BtfKind.PTR) {
            long p = m.pointer(address);
            return p == 0 ? null : m.cString(p, 4096);
        }
        throw new TypeLookupException(t + " is not a string");
    }

    /** The struct that embeds this object as {@code memberPath} ({@code container_of}). */
    public KObject containerOf(String struct, String memberPath) throws TypeLookupException {
        return of(types, struct, address - types.offset(struct, memberPath));
    }

    /** This address viewed as {@code struct name}. */
    public KObject cast(String struct) throws TypeLookupException {
        return of(types, struct, address);
    }

    @Override
    public String toString() {
        return "KObject[0x" + Long.toHexString(address) + ", type " + typeId + "]";
    }
}
