package io.kdump4j.kernel.btf;

import java.util.List;

/**
 * One type of a BTF type section ({@code struct btf_type} and the kind-specific data after it).
 *
 * @param id the type id (1-based; 0 is void)
 * @param kind the kind
 * @param name the name, empty when anonymous
 * @param kindFlag bit 31 of {@code info}: bitfield offsets encoded in members, signed enum, ...
 * @param sizeOrType {@code size} for INT, ENUM, ENUM64, STRUCT, UNION, DATASEC, FLOAT; {@code type}
 *     (the referred type id) for PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO (return
 *     type), VAR, DECL_TAG, TYPE_TAG
 * @param vlen the {@code vlen} of info (member count; FUNC linkage)
 * @param extra INT encoding word; ARRAY element type; VAR linkage; DECL_TAG component index
 * @param arrayIndexType ARRAY index type
 * @param arrayLength ARRAY element count
 * @param members members, enum values, parameters or section variables
 */
public record BtfType(int id, BtfKind kind, String name, boolean kindFlag, long sizeOrType, int vlen,
        long extra, int arrayIndexType, long arrayLength, List<BtfMember> members) {

    /** For INT: the number of value bits. */
    public int intBits() {
        return (int) (extra & 0xff);
    }

    /** For INT: whether BTF_INT_SIGNED is set. */
    public boolean intSigned() {
        return ((extra >>> 24) & 0x1) != 0;
    }

    /** The referred type for PTR, TYPEDEF, qualifiers, FUNC, VAR, tags; the element type for ARRAY. */
    public int ref() {
        return kind == BtfKind.ARRAY ? (int) extra : (int) sizeOrType;
    }

    @Override
    public String toString() {
        return kind + "[" + id + "] " + (name.isEmpty() ? "(anon)" : name);
    }
}
