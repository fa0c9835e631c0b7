package io.kdump4j.kernel.types;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.btf.Btf;
import io.kdump4j.kernel.btf.BtfKind;
import io.kdump4j.kernel.btf.BtfMember;
import io.kdump4j.kernel.btf.BtfType;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's types from its BTF, with the lookups the helpers need: structs by name, member
 * offsets through paths ({@code "thread.sp"}), sizes, enum constants and per-CPU variables.
 * One instance per dump ({@link #of(KernelDump)}); member lookups are cached here.
 */
public final class KernelTypes {
    private final KernelDump dump;
    private final Btf btf;
    private final Map<String, Optional<Field>> fields = new HashMap<>();
    private Map<String, Long> enumConstants;
    private final Map<Long, Optional<Btf>> moduleBtfs = new HashMap<>();

    private KernelTypes(KernelDump dump, Btf btf) {
        this.dump = dump;
        this.btf = btf;
    }

    /** The dump's types, loading vmlinux BTF from its memory on first use. */
    public static KernelTypes of(KernelDump k) throws IOException {
        return k.service(KernelTypes.class, d -> new KernelTypes(d, BtfLocator.load(d)));
    }

    /**
     * Installs vmlinux BTF from a file ({@code /sys/kernel/btf/vmlinux} of the same kernel, or
     * the {@code .BTF} section extracted from its vmlinux) instead of the dump's. Must be called
     * before the first {@link #of(KernelDump)}.
     */
    public static KernelTypes withBtfFile(KernelDump k, java.nio.file.Path file) throws IOException {
        long size = java.nio.file.Files.size(file);
        if (size > BtfLocator.MAX_BTF) {
            throw new io.kdump4j.format.io.DumpFormatException(file.toString(), 0, "a BTF file of " + size
                    + " bytes is larger than the " + BtfLocator.MAX_BTF + " bytes allowed");
        }
        Btf btf = Btf.parse(java.nio.file.Files.readAllBytes(file), file.toString(), 0);
        return k.service(KernelTypes.class, d -> new KernelTypes(d, btf));
    }

    /**
     * A module's own BTF ({@code CONFIG_DEBUG_INFO_BTF_MODULES}): split BTF whose type ids and
     * strings continue vmlinux's. The module's {@code btf_data} lies in its init sections and is
     * cleared once it is loaded; the kernel keeps its own copy, registered on the
     * {@code btf_modules} list (kernel/bpf/btf.c: {@code struct btf_module {list, module, btf}},
     * {@code struct btf {data, ..., data_size}}). Empty when the module has none (built out of
     * tree without vmlinux) or the list is unreadable.
     */
    public synchronized Optional<Btf> moduleBtf(long module) throws IOException {
        Optional<Btf> cached = moduleBtfs.get(module);
        if (cached != null) {
            return cached;
        }
        Optional<Btf> out = Optional.empty();
        io.kdump4j.kernel.symbols.KernelSymbols syms = io.kdump4j.kernel.symbols.KernelSymbols.of(dump);
        if (syms.has("btf_modules") && struct("btf_module").isPresent()) {
            long head = syms.address("btf_modules");
            for (long bm : Lists.entries(dump.memory(), head, offset("btf_module", "list"))) {
                KObject entry = KObject.of(this, "btf_module", bm);
                if (entry.member("module").value() != module) {
                    continue;
                }
                KObject b = entry.member("btf").deref();
                long data = b.member("data").value();
                long size = b.member("data_size").value();
                if (data == 0 || size <= 0) {
                    break;
                }
                if (size > BtfLocator.MAX_BTF) {
                    throw new io.kdump4j.format.io.DumpFormatException(dump.dump().name(), -1, "module BTF at 0x"
                            + Long.toHexString(data) + " claims " + size + " bytes, more than " + BtfLocator.MAX_BTF);
                }
                String where = dump.dump().name() + " module BTF at 0x" + Long.toHexString(data);
                out = Optional.of(Btf.parse(dump.memory().read(data, (int) size), where, 0, btf));
                break;
            }
        }
        moduleBtfs.put(module, out);
        return out;
    }

    public KernelDump dump() {
        return dump;
    }

    public Btf btf() {
        return btf;
    }

    /** A struct (or union) by its tag, preferring a complete definition. */
    public Optional<BtfType> struct(String name) {
        for (BtfType t : btf.find(BtfKind.STRUCT, name)) {
            return Optional.of(t);
        }
        for (BtfType t : btf.find(BtfKind.UNION, name)) {
            return Optional.of(t);
        }
        return Optional.empty();
    }

    /** The size of {@code struct name}. */
    public long sizeOf(String struct) throws TypeLookupException {
        return struct(struct).orElseThrow(() -> missing("struct " + struct)).sizeOrType();
    }

    /** The type behind typedefs and qualifiers. */
    public BtfType resolve(int id) throws TypeLookupException {
        int cur = id;
        for (int depth = 0; depth < 64; depth++) {
            BtfType t = btf.type(cur).orElseThrow(() -> missing("type id " + id));
            if (!t.kind().isModifier()) {
                return t;
            }
            cur = t.ref();
        }
        throw new TypeLookupException("type id " + id + " is a loop of typedefs/qualifiers");
    }

    /** The byte size of a type (pointers: 8). */
    public long sizeOf(int id) throws TypeLookupException {
        BtfType t = resolve(id);
        return switch (t.kind()) {
            case INT, ENUM, ENUM64, STRUCT, UNION, FLOAT, DATASEC -> t.sizeOrType();
            case PTR -> dump.arch().pointerSize();
            case ARRAY -> t.arrayLength() * sizeOf(t.ref());
            default -> throw new TypeLookupException(t + " has no size");
        };
    }

    /** A member by path ({@code "se.sum_exec_runtime"}), or empty when the kernel lacks it. */
    public Optional<Field> field(String struct, String path) throws TypeLookupException {
        return field(struct(struct).orElseThrow(() -> missing("struct " + struct)), path);
    }

    /**
     * A member of a struct or union type by path; works for anonymous ones too (such as
     * {@code atomic64_t}, a typedef of an unnamed struct), which are cached by type id.
     */
    public synchronized Optional<Field> field(BtfType struct, String path) throws TypeLookupException {
        String key = struct.id() + "." + path;
        Optional<Field> f = fields.get(key);
        if (f == null) {
            f = walk(struct, path.split("\\."));
            fields.put(key, f);
        }
        return f;
    }

    /** Whether {@code struct} has the member path (features are detected this way, not by version). */
    public boolean has(String struct, String path) throws TypeLookupException {
        return field(struct, path).isPresent();
    }

    /** The byte offset of a member path; a TypeLookupException when it does not exist. */
    public long offset(String struct, String path) throws TypeLookupException {
        return field(struct, path).orElseThrow(() -> missing("member " + path + " of struct " + struct)).offset();
    }

    /** The byte offset of the first member path that exists. */
    public long offsetOfAny(String struct, String... paths) throws TypeLookupException {
        for (String p : paths) {
            Optional<Field> f = field(struct, p);
            if (f.isPresent()) {
                return f.get().offset();
            }
        }
        throw missing("any of members " + String.join(", ", paths) + " of struct " + struct);
    }

    private Optional<Field> walk(BtfType struct, String[] path) throws TypeLookupException {
        long offset = 0;
        BtfType cur = struct;
        Field last = null;
        for (String name : path) {
            if (cur.kind() != BtfKind.STRUCT && cur.kind() != BtfKind.UNION) {
                return Optional.empty();
            }
            Field f = member(cur, name, 0);
            if (f == null) {
                return Optional.empty();
            }
            offset += f.offset();
            last = new Field(offset, f.bitOffset(), f.bitSize(), f.type());
            cur = resolve(f.type());
        }
        return Optional.ofNullable(last);
    }

    /** A direct member, or one inside anonymous struct/union members (C11 rules). */
    private Field member(BtfType t, String name, int depth) throws TypeLookupException {
        if (depth > 16) {
            return null;
        }
        for (BtfMember m : t.members()) {
            if (m.name().equals(name)) {
                return new Field(m.bitOffset() / 8, (int) (m.bitOffset() % 8), m.bitSize(), m.type());
            }
        }
        for (BtfMember m : t.members()) {
            if (m.name().isEmpty()) {
                BtfType inner = resolve(m.type());
                if (inner.kind() == BtfKind.STRUCT || inner.kind() == BtfKind.UNION) {
                    Field f = member(inner, name, depth + 1);
                    if (f != null) {
                        return new Field(m.bitOffset() / 8 + f.offset(), f.bitOffset(), f.bitSize(), f.type());
                    }
                }
            }
        }
        return null;
    }

    /** The value of an enumerator ({@code NR_FREE_PAGES}, {@code TASK_RUNNING} is not one) by name. */
    public synchronized OptionalLong enumConstant(String name) {
        if (enumConstants == null) {
            enumConstants = new HashMap<>();
            for (BtfType t : btf.types()) {
                if (t.kind() == BtfKind.ENUM || t.kind() == BtfKind.ENUM64) {
                    for (BtfMember m : t.members()) {
                        enumConstants.putIfAbsent(m.name(), m.value());
                    }
                }
            }
        }
        Long v = enumConstants.get(name);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    /** The enumerators of {@code enum name}, in declaration order. */
    public List<BtfMember> enumerators(String name) {
        for (BtfKind k : new BtfKind[] {BtfKind.ENUM, BtfKind.ENUM64}) {
            List<BtfType> ts = btf.find(k, name);
            if (!ts.isEmpty()) {
                return ts.get(0).members();
            }
        }
        return List.of();
    }

    /**
     * The offset of a per-CPU variable within the per-CPU area, from BTF's {@code .data..percpu}
     * DATASEC (pahole encodes every per-CPU variable there), for kernels whose kallsyms lacks
     * data symbols.
     */
    public OptionalLong percpuOffset(String variable) throws TypeLookupException {
        for (BtfType sec : btf.find(BtfKind.DATASEC, ".data..percpu")) {
            for (BtfMember v : sec.members()) {
                BtfType var = btf.type(v.type()).orElseThrow(() -> missing("type id " + v.type()));
                if (var.name().equals(variable)) {
                    return OptionalLong.of(v.bitOffset());
                }
            }
        }
        return OptionalLong.empty();
    }

    /** The type of a BTF VAR (per-CPU variables) by name. */
    public Optional<BtfType> variableType(String variable) throws TypeLookupException {
        for (BtfType var : btf.find(BtfKind.VAR, variable)) {
            return Optional.of(resolve(var.ref()));
        }
        return Optional.empty();
    }

    TypeLookupException missing(String what) {
        return new TypeLookupException(what + " is not in the BTF of " + dump.dump().name()
                + " (kernel " + dump.release() + ")");
    }
}
