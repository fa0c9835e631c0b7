package io.kdump4j.kernel.btf;

import io.kdump4j.format.io.DumpFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed BTF blob ({@code include/uapi/linux/btf.h}): {@code struct btf_header} (magic
 * 0xeB9F, version 1, then {@code hdr_len}, {@code type_off}, {@code type_len}, {@code str_off},
 * {@code str_len}, offsets counted from the end of the header), then the type section (one
 * {@code struct btf_type} of 12 bytes per type, followed by kind-specific data) and the string
 * section. Every count and offset is checked against the blob before use; a bad blob is a
 * {@link DumpFormatException} naming the offset in the blob (reported relative to
 * {@code baseOffset}, e.g. the virtual address it was read from). Blobs are read as little-endian:
 * the kernels kdump4j reads (x86_64, arm64) are, and big-endian dumps are refused earlier.
 *
 * <p>Split BTF (modules) continues the ids of a base: {@link #parse(byte[], String, long, Btf)}.
 */
public final class Btf {
    public static final int MAGIC = 0xeB9F;
    /** The smallest header: magic..str_len. */
    static final int MIN_HEADER = 24;
    /** {@link #MIN_HEADER} for other packages. */
    public static final int MIN_HEADER_SIZE = MIN_HEADER;

    private final String source;
    private final Btf base;
    private final int firstId;
    private final List<BtfType> types;
    private final Map<String, List<Integer>> byName = new HashMap<>();

    private Btf(String source, Btf base, int firstId, List<BtfType> types, Strings strings) {
        this.strings = strings;
        this.source = source;
        this.base = base;
        this.firstId = firstId;
        this.types = types;
        for (BtfType t : types) {
            if (!t.name().isEmpty()) {
                byName.computeIfAbsent(t.name(), n -> new ArrayList<>(1)).add(t.id());
            }
        }
    }

    /** Parses a little-endian vmlinux BTF blob. */
    public static Btf parse(byte[] blob, String source, long baseOffset) throws DumpFormatException {
        return parse(blob, source, baseOffset, null);
    }

    /** Parses a BTF blob; with a {@code base}, as split BTF whose ids and strings continue the base's. */
    public static Btf parse(byte[] blob, String source, long baseOffset, Btf base) throws DumpFormatException {
        Reader r = new Reader(blob, source, baseOffset);
        if (blob.length < MIN_HEADER) {
            throw r.error(0, "BTF blob of " + blob.length + " bytes is shorter than its " + MIN_HEADER + "-byte header");
        }
        int magic = r.u16(0);
        if (magic != MAGIC) {
            throw r.error(0, String.format("BTF magic 0x%04x, expected 0xeb9f (a big-endian or foreign blob?)", magic));
        }
        if (r.u8(2) != 1) {
            throw r.error(2, "BTF version " + r.u8(2) + ", this reader knows version 1");
        }
        long hdrLen = r.u32(4);
        long typeOff = r.u32(8);
        long typeLen = r.u32(12);
        long strOff = r.u32(16);
        long strLen = r.u32(20);
        if (hdrLen < MIN_HEADER || hdrLen > blob.length) {
            throw r.error(4, "BTF hdr_len " + hdrLen + " outside " + MIN_HEADER + ".." + blob.length);
        }
        long typeStart = hdrLen + typeOff;
        long strStart = hdrLen + strOff;
        if (typeStart + typeLen > blob.length || typeLen % 4 != 0) {
            throw r.error(8, "BTF type section " + typeOff + "+" + typeLen + " does not fit the " + blob.length + "-byte blob");
        }
        if (strStart + strLen > blob.length) {
            throw r.error(16, "BTF string section " + strOff + "+" + strLen + " does not fit the " + blob.length + "-byte blob");
        }
        Strings strings = new Strings(r, (int) strStart, (int) strLen, base == null ? null : base.strings());
        int firstId = base == null ? 1 : base.nextId();
        List<BtfType> types = new ArrayList<>();
        int pos = (int) typeStart;
        int end = (int) (typeStart + typeLen);
        int id = firstId;
        while (pos < end) {
            if (pos + 12 > end) {
                throw r.error(pos, "BTF type " + id + " header runs past the type section");
            }
            String name = strings.at(r.u32(pos), pos);
            long info = r.u32(pos + 4);
            long sizeOrType = r.u32(pos + 8);
            int vlen = (int) (info & 0xffff);
            int kindId = (int) ((info >>> 24) & 0x1f);
            boolean kflag = (info >>> 31) != 0;
            BtfKind kind = BtfKind.of(kindId);
            if (kind == null || kind == BtfKind.UNKNOWN) {
                throw r.error(pos + 4, "BTF type " + id + " has unknown kind " + kindId);
            }
            int at = pos + 12;
            long extra = 0;
            int indexType = 0;
            long length = 0;
            List<BtfMember> members = List.of();
            switch (kind) {
                case INT, VAR, DECL_TAG -> {
                    r.need(at, 4, end, id);
                    extra = r.u32(at);
                    at += 4;
                }
                case ARRAY -> {
                    r.need(at, 12, end, id);
                    extra = r.u32(at);
                    indexType = (int) r.u32(at + 4);
                    length = r.u32(at + 8);
                    at += 12;
                }
                case STRUCT, UNION -> {
                    r.need(at, vlen * 12L, end, id);
                    List<BtfMember> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 12) {
                        long off = r.u32(at + 8);
                        long bitOffset = kflag ? off & 0xffffff : off;
                        int bitSize = kflag ? (int) (off >>> 24) : 0;
                        ms.add(new BtfMember(strings.at(r.u32(at), at), (int) r.u32(at + 4), bitOffset, bitSize, 0));
                    }
                    members = ms;
                }
                case ENUM -> {
                    r.need(at, vlen * 8L, end, id);
                    List<BtfMember> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 8) {
                        long v = r.u32(at + 4);
                        ms.add(new BtfMember(strings.at(r.u32(at), at), 0, 0, 0, kflag ? (int) v : v));
                    }
                    members = ms;
                }
                case ENUM64 -> {
                    r.need(at, vlen * 12L, end, id);
                    List<BtfMember> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 12) {
                        long v = r.u32(at + 4) | (r.u32(at + 8) << 32);
                        ms.add(new BtfMember(strings.at(r.u32(at), at), 0, 0, 0, v));
                    }
                    members = ms;
                }
                case FUNC_PROTO -> {
                    r.need(at, vlen * 8L, end, id);
                    List<BtfMember> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 8) {
                        ms.add(new BtfMember(strings.at(r.u32(at), at), (int) r.u32(at + 4), 0, 0, 0));
                    }
                    members = ms;
                }
                case DATASEC -> {
                    r.need(at, vlen * 12L, end, id);
                    List<BtfMember> ms = new ArrayList<>(vlen);
                    for (int i = 0; i < vlen; i++, at += 12) {
                        ms.add(new BtfMember("", (int) r.u32(at), r.u32(at + 4), (int) r.u32(at + 8), 0));
                    }
                    members = ms;
                }
                default -> {
                    // PTR, FWD, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FLOAT, TYPE_TAG: no extra data.
                }
            }
            types.add(new BtfType(id, kind, name, kflag, sizeOrType, vlen, extra, indexType, length, members));
            pos = at;
            id++;
        }
        return new Btf(source, base, firstId, List.copyOf(types), strings);
    }

    private final Strings strings;

    private Strings strings() {
        return strings;
    }

    /** The id after the last type (where split BTF continues). */
    public int nextId() {
        return firstId + types.size();
    }

    /** The number of types, void excluded (base types included for split BTF). */
    public int count() {
        return nextId() - 1;
    }

    public String source() {
        return source;
    }

    /** The type with that id; empty for void (0) and ids out of range. */
    public Optional<BtfType> type(int id) {
        if (id >= firstId && id < nextId()) {
            return Optional.of(types.get(id - firstId));
        }
        if (base != null && id < firstId) {
            return base.type(id);
        }
        return Optional.empty();
    }

    /** Every type of this blob (not the base's). */
    public List<BtfType> types() {
        return types;
    }

    /** Types with that name and kind (this blob first, then the base). */
    public List<BtfType> find(BtfKind kind, String name) {
        List<BtfType> out = new ArrayList<>();
        for (int id : byName.getOrDefault(name, List.of())) {
            BtfType t = types.get(id - firstId);
            if (t.kind() == kind) {
                out.add(t);
            }
        }
        if (base != null) {
            out.addAll(base.find(kind, name));
        }
        return out;
    }

    /** The first type with that name and kind, preferring a complete one over a forward declaration. */
    public Optional<BtfType> first(BtfKind kind, String name) {
        List<BtfType> all = find(kind, name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    /** The strings of a blob, with the base's strings below offset {@code baseLen} for split BTF. */
    private static final class Strings {
        private final Reader r;
        private final int start;
        private final int len;
        private final Strings base;
        private final int baseLen;
        private final Map<Long, String> cache = new HashMap<>();

        Strings(Reader r, int start, int len, Strings base) {
            this.r = r;
            this.start = start;
            this.len = len;
            this.base = base;
            this.baseLen = base == null ? 0 : base.totalLength();
        }

        int totalLength() {
            return baseLen + len;
        }

        String at(long off, int where) throws DumpFormatException {
            if (off < baseLen) {
                return base.at(off, where);
            }
            long local = off - baseLen;
            if (local >= len) {
                throw r.error(where, "BTF name offset " + off + " outside the " + len + "-byte string section");
            }
            String cached = cache.get(local);
            if (cached != null) {
                return cached;
            }
            int s = start + (int) local;
            int e = s;
            int limit = start + len;
            while (e < limit && r.blob[e] != 0) {
                e++;
            }
            if (e == limit) {
                throw r.error(s, "BTF string at offset " + off + " is not NUL-terminated");
            }
            String v = new String(r.blob, s, e - s, StandardCharsets.ISO_8859_1);
            cache.put(local, v);
            return v;
        }
    }

    /** Bounds-checked little-endian reads within the blob. */
    private static final class Reader {
        final byte[] blob;
        final String source;
        final long baseOffset;

        Reader(byte[] blob, String source, long baseOffset) {
            this.blob = blob;
            this.source = source;
            this.baseOffset = baseOffset;
        }

        int u8(int at) {
            return blob[at] & 0xff;
        }

        int u16(int at) {
            return (blob[at] & 0xff) | (blob[at + 1] & 0xff) << 8;
        }

        long u32(int at) {
            return ((blob[at] & 0xff) | (blob[at + 1] & 0xff) << 8 | (blob[at + 2] & 0xff) << 16
                    | (long) (blob[at + 3] & 0xff) << 24);
        }

        void need(int at, long n, int end, int id) throws DumpFormatException {
            if (at + n > end) {
                throw error(at, "BTF type " + id + " needs " + n + " bytes of kind data, past the end of the type section");
            }
        }

        DumpFormatException error(long at, String what) {
            return new DumpFormatException(source, baseOffset + at, what);
        }
    }

}
