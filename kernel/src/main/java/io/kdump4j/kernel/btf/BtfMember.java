package io.kdump4j.kernel.btf;

/**
 * A struct or union member ({@code struct btf_member}), an enum value ({@code struct btf_enum},
 * {@code struct btf_enum64}), a function parameter ({@code struct btf_param}) or a data-section
 * variable ({@code struct btf_var_secinfo}), all reduced to one shape.
 *
 * @param name the member name, empty for an anonymous struct/union member or parameter
 * @param type the member's type id (0 for enum values)
 * @param bitOffset the bit offset in the struct (members), the byte offset (DATASEC entries)
 * @param bitSize the bitfield width, 0 when not a bitfield; the byte size for DATASEC entries
 * @param value the enum value (sign-extended for signed 32-bit enums)
 */
public record BtfMember(String name, int type, long bitOffset, int bitSize, long value) {
}
