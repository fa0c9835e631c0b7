package io.kdump4j.kernel.types;

/**
 * A member reached from a struct through a path of member names (anonymous structs and unions
 * on the way are entered transparently, as C does).
 *
 * @param offset the byte offset from the start of the outer struct
 * @param bitOffset the bit offset within {@code offset}'s byte for bitfields, else 0
 * @param bitSize the bitfield width, 0 when not a bitfield
 * @param type the member's type id
 */
public record Field(long offset, int bitOffset, int bitSize, int type) {
}
