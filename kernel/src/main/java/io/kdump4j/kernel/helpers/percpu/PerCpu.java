package io.kdump4j.kernel.helpers.percpu;

import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.Symbol;
import io.kdump4j.kernel.types.KernelTypes;
import io.kdump4j.kernel.types.TypeLookupException;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Per-CPU variables: {@code per_cpu_ptr(&var, cpu) = &var + __per_cpu_offset[cpu]}. The symbol
 * of a per-CPU variable is its offset in the per-CPU area on x86_64 (the section is linked at 0,
 * {@code CONFIG_X86_64_SMP} zero-based per-CPU) and its address in the kernel image's
 * {@code .data..percpu} on arm64; the formula is the same. When kallsyms lacks the variable
 * (no {@code CONFIG_KALLSYMS_ALL}) its place is taken from BTF's {@code .data..percpu} DATASEC
 * plus {@code __per_cpu_start}.
 */
public final class PerCpu {
    private final KernelDump dump;
    private final long[] offsets;

    private PerCpu(KernelDump dump, long[] offsets) {
        this.dump = dump;
        this.offsets = offsets;
    }

    /** The per-CPU offsets of the dump's possible CPUs (built once per dump). */
    public static PerCpu of(KernelDump k) throws IOException {
        return k.service(PerCpu.class, PerCpu::load);
    }

    private static PerCpu load(KernelDump k) throws IOException {
        KernelSymbols syms = KernelSymbols.of(k);
        int n = cpuCount(k, syms);
        long base = syms.address("__per_cpu_offset");
        long[] offsets = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = k.memory().u64(base + 8L * i);
        }
        return new PerCpu(k, offsets);
    }

    /** {@code nr_cpu_ids} when readable, else the number of NT_PRSTATUS notes. */
    private static int cpuCount(KernelDump k, KernelSymbols syms) {
        Optional<Symbol> ids = syms.lookup("nr_cpu_ids");
        if (ids.isPresent()) {
            try {
                long n = k.memory().u32(ids.get().address());
                if (n > 0 && n <= 8192) {
                    return (int) n;
                }
            } catch (IOException e) {
                // Fall back to the notes below.
            }
        }
        return Math.max(1, k.cpus());
    }

    /** The number of CPUs with a per-CPU area ({@code nr_cpu_ids}). */
    public int cpus() {
        return offsets.length;
    }

    /** {@code __per_cpu_offset[cpu]}. */
    public long offset(int cpu) {
        return offsets[cpu];
    }

    /** The address of CPU {@code cpu}'s instance of the per-CPU variable {@code name}. */
    public long address(String name, int cpu) throws IOException {
        return variable(name) + offsets[cpu];
    }

    /** The per-CPU symbol value of {@code name} (before adding a CPU's offset). */
    public long variable(String name) throws IOException {
        KernelSymbols syms = KernelSymbols.of(dump);
        Optional<Symbol> s = syms.lookup(name);
        if (s.isPresent()) {
            return s.get().address();
        }
        OptionalLong off = KernelTypes.of(dump).percpuOffset(name);
        if (off.isEmpty()) {
            throw new TypeLookupException("per-CPU variable " + name + " is neither in kallsyms nor in BTF");
        }
        return syms.address("__per_cpu_start") + off.getAsLong();
    }
}
