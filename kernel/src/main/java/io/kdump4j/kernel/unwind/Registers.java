package io.kdump4j.kernel.unwind;

import io.kdump4j.format.io.Bytes;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A register set by name, in the architecture's order: x86_64 {@code struct pt_regs} /
 * {@code user_regs_struct} names ({@code r15 .. ip cs flags sp ss}), arm64 {@code x0 .. x30 sp pc
 * pstate}.
 */
public record Registers(Map<String, Long> values) {
    /** The x86_64 {@code struct user_regs_struct} order (NT_PRSTATUS {@code pr_reg}). */
    public static final List<String> X86_64 = List.of("r15", "r14", "r13", "r12", "bp", "bx", "r11", "r10",
            "r9", "r8", "ax", "cx", "dx", "si", "di", "orig_ax", "ip", "cs", "flags", "sp", "ss", "fs_base",
            "gs_base", "ds", "es", "fs", "gs");
    /** The first 21 of {@link #X86_64} make {@code struct pt_regs}. */
    public static final int X86_64_PT_REGS = 21;
    /** The arm64 {@code struct user_pt_regs} order. */
    public static final List<String> AARCH64;

    static {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i <= 30; i++) {
            names.add("x" + i);
        }
        names.add("sp");
        names.add("pc");
        names.add("pstate");
        AARCH64 = List.copyOf(names);
    }

    public Registers {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** Decodes {@code names.size()} little-endian 64-bit words at {@code off}. */
    public static Registers decode(byte[] b, int off, List<String> names) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            m.put(names.get(i), Bytes.s64(b, off + 8 * i, ByteOrder.LITTLE_ENDIAN));
        }
        return new Registers(m);
    }

    public long get(String name) {
        Long v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no register " + name + " in " + values.keySet());
        }
        return v;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }
}
