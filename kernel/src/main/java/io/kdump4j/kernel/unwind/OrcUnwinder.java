package io.kdump4j.kernel.unwind;

import io.kdump4j.format.io.Bytes;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.KernelMemory;
import io.kdump4j.kernel.helpers.module.ModuleInfo;
import io.kdump4j.kernel.helpers.module.Modules;
import io.kdump4j.kernel.symbols.KernelSymbols;
import io.kdump4j.kernel.symbols.SymbolMatch;
import io.kdump4j.kernel.types.KObject;
import io.kdump4j.kernel.types.KernelTypes;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * x86_64 unwinding with the kernel's ORC tables, following the rules of
 * {@code arch/x86/kernel/unwind_orc.c}: the entry for an ip gives how to find the caller's stack
 * pointer (the CFA: {@code sp_reg} + {@code sp_offset}) and frame pointer, and whether the frame
 * is a call (return address at CFA - 8), a full {@code struct pt_regs} at the CFA (REGS: an
 * interrupt, exception or syscall entry) or only its hardware iret frame (REGS_PARTIAL, CFA
 * pointing at {@code pt_regs.ip}). Return addresses are looked up at ip - 1 (the call may be a
 * function's last instruction), except after a signal/REGS frame where the ip is exact.
 */
final class OrcUnwinder implements Unwinder {
    /** {@code ORC_REG_UNDEFINED}, the same in every numbering. */
    private static final int REG_UNDEFINED = 0;
    /** {@code offsetof(struct pt_regs, ip)}: where REGS_PARTIAL's CFA points. */
    private static final int IRET_FRAME_OFFSET = 16 * 8;

    private final KernelDump dump;
    private final KernelMemory mem;
    private final KernelSymbols symbols;
    private final OrcTable vmlinux;
    private final OrcRegisters registers;
    private final long[][] vmlinuxText;
    private List<ModuleOrc> modules;

    /**
     * A module's text ranges (core, and init while it loads) and its ORC table, which covers
     * both.
     */
    private record ModuleOrc(long start, long end, long initStart, long initEnd, OrcTable table) {
        boolean contains(long ip) {
            return (ip >= start && ip < end) || (ip >= initStart && ip < initEnd);
        }
    }

    private OrcUnwinder(KernelDump dump, KernelSymbols symbols, OrcTable vmlinux, OrcRegisters registers) {
        this.dump = dump;
        this.mem = dump.memory();
        this.symbols = symbols;
        this.vmlinux = vmlinux;
        this.registers = registers;
        this.vmlinuxText = new long[][] {range("_stext", "_etext"), range("_sinittext", "_einittext")};
    }

    private long[] range(String start, String end) {
        Optional<io.kdump4j.kernel.symbols.Symbol> a = symbols.lookup(start);
        Optional<io.kdump4j.kernel.symbols.Symbol> b = symbols.lookup(end);
        return a.isPresent() && b.isPresent() ? new long[] {a.get().address(), b.get().address()} : null;
    }

    /**
     * The ORC table covering {@code ip}, as the kernel's {@code orc_find()} chooses: vmlinux's for
     * its text and init text, else the module whose core text holds it; null when none does.
     */
    OrcTable tableFor(long ip) {
        boolean known = false;
        for (long[] r : vmlinuxText) {
            if (r != null) {
                known = true;
                if (ip >= r[0] && ip < r[1]) {
                    return vmlinux;
                }
            }
        }
        if (!known && vmlinux.covers(ip)) {
            return vmlinux;
        }
        for (ModuleOrc m : modules()) {
            if (m.contains(ip)) {
                return m.table();
            }
        }
        return null;
    }

    /**
     * The modules' ORC tables ({@code struct module.arch}: {@code num_orcs}, {@code orc_unwind_ip},
     * {@code orc_unwind}), read once; none when the module list is unreadable.
     */
    private synchronized List<ModuleOrc> modules() {
        if (modules == null) {
            List<ModuleOrc> out = new ArrayList<>();
            try {
                KernelTypes types = KernelTypes.of(dump);
                for (ModuleInfo mi : Modules.of(dump).list()) {
                    KObject arch = KObject.of(types, "module", mi.address()).member("arch");
                    if (!arch.has("num_orcs")) {
                        continue;
                    }
                    long n = arch.member("num_orcs").value();
                    long ips = arch.member("orc_unwind_ip").value();
                    long entries = arch.member("orc_unwind").value();
                    if (n > 0 && ips != 0 && entries != 0) {
                        long end = mi.base() + (mi.textSize() > 0 ? mi.textSize() : mi.size());
                        out.add(new ModuleOrc(mi.base(), end, mi.initTextBase(), mi.initTextBase() + mi.initTextSize(),
                                OrcTable.load(dump, ips, entries, n, vmlinux.layout)));
                    }
                }
            } catch (IOException e) {
                // Module frames then end the unwinding with "not kernel text".
            }
            modules = out;
        }
        return modules;
    }

    static OrcUnwinder of(KernelDump k) throws IOException {
        return k.service(OrcUnwinder.class, d -> {
            OrcFormat format = OrcFormat.of(d);
            return new OrcUnwinder(d, KernelSymbols.of(d), OrcTable.load(d, format.layout()), format.registers());
        });
    }

    @Override
    public List<Frame> unwind(Registers start, boolean returnAddress) throws IOException {
        List<Frame> frames = new ArrayList<>();
        long ip = start.get("ip");
        long sp = start.get("sp");
        long bp = start.get("bp");
        Registers regs = start;
        boolean exact = !returnAddress;
        OrcTable table = vmlinux;
        String note = null;
        while (frames.size() < MAX_FRAMES) {
            Optional<SymbolMatch> sym = symbols.lookup(exact ? ip : ip - 1);
            OrcTable found0 = tableFor(exact ? ip : ip - 1);
            if (found0 != null) {
                table = found0;
            }
            if (sym.isEmpty() || found0 == null) {
                frames.add(frame(ip, sp, null, frames.isEmpty() ? "not kernel text" : "unwinding stopped: not kernel text", exact));
                return frames;
            }
            int i = table.find(exact ? ip : ip - 1);
            if (i < 0) {
                frames.add(frame(ip, sp, null, "no ORC entry", exact));
                return frames;
            }
            if (frames.isEmpty() && undefined(table.flags(i))) {
                long slot = scanForCaller(sp, sym.get());
                if (slot != 0) {
                    frames.add(frame(ip, sp, null, "no ORC rule here: caller found by a stack scan", exact));
                    ip = mem.u64(slot);
                    sp = slot + 8;
                    exact = false;
                    continue;
                }
            }
            int flags = table.flags(i);
            OrcLayout.Type type = table.layout.type(flags);
            int spReg = flags & 0xf;
            OrcRegisters.Reg sp0 = registers.role(spReg);
            OrcRegisters.Reg bp0 = registers.role((flags >>> 4) & 0xf);
            if (type == OrcLayout.Type.END_OF_STACK) {
                frames.add(frame(ip, sp, null, note, exact));
                return frames;
            }
            if (type == OrcLayout.Type.UNDEFINED || spReg == REG_UNDEFINED) {
                frames.add(frame(ip, sp, null, "unwinding stopped: no ORC data for this ip", exact));
                return frames;
            }
            try {
                long cfa = switch (sp0) {
                    case SP -> sp + table.spOffset(i);
                    case BP -> bp + table.spOffset(i);
                    case SP_INDIRECT -> mem.u64(sp) + table.spOffset(i);
                    case BP_INDIRECT -> mem.u64(bp + table.spOffset(i));
                    case R10 -> fromRegs(regs, "r10");
                    case R13 -> fromRegs(regs, "r13");
                    case DI -> fromRegs(regs, "di");
                    case DX -> fromRegs(regs, "dx");
                    case AX -> fromRegs(regs, "ax");
                    default -> throw new IOException("ORC sp_reg " + spReg + " (" + sp0 + " in the " + registers
                            + " numbering)");
                };
                long nextIp;
                long nextSp;
                Registers found = null;
                switch (type) {
                    case CALL -> {
                        nextIp = mem.u64(cfa - 8);
                        nextSp = cfa;
                    }
                    case REGS -> {
                        found = Registers.decode(mem.read(cfa, 8 * Registers.X86_64_PT_REGS), 0,
                                Registers.X86_64.subList(0, Registers.X86_64_PT_REGS));
                        nextIp = found.get("ip");
                        nextSp = found.get("sp");
                    }
                    case REGS_PARTIAL -> {
                        byte[] iret = mem.read(cfa, 5 * 8);
                        Map<String, Long> m = new LinkedHashMap<>();
                        String[] names = {"ip", "cs", "flags", "sp", "ss"};
                        for (int r = 0; r < names.length; r++) {
                            m.put(names[r], Bytes.s64(iret, 8 * r, ByteOrder.LITTLE_ENDIAN));
                        }
                        found = new Registers(m);
                        nextIp = found.get("ip");
                        nextSp = found.get("sp");
                    }
                    default -> throw new IOException("ORC type " + type);
                }
                long nextBp = switch (bp0) {
                    case PREV_SP -> mem.u64(cfa + table.bpOffset(i));
                    case BP -> mem.u64(bp + table.bpOffset(i));
                    case UNDEFINED -> found != null && found.has("bp") ? found.get("bp") : bp;
                    default -> bp;
                };
                frames.add(frame(ip, sp, found, note, exact));
                note = null;
                if (found != null && (found.get("cs") & 3) == 3) {
                    // A pt_regs of user mode: the kernel stack ends here.
                    return frames;
                }
                if (found != null) {
                    note = "exception";
                }
                if (nextIp == 0) {
                    return frames;
                }
                exact = table.layout.signal(flags, type);
                regs = found != null && found.has("r15") ? found : null;
                ip = nextIp;
                sp = nextSp;
                bp = nextBp;
            } catch (IOException e) {
                frames.add(frame(ip, sp, null, "unwinding stopped: " + e.getMessage(), exact));
                return frames;
            }
        }
        return frames;
    }

    private boolean undefined(int flags) {
        return vmlinux.layout.type(flags) == OrcLayout.Type.UNDEFINED || (flags & 0xf) == REG_UNDEFINED;
    }

    /** How far up the stack {@link #scanForCaller} looks. */
    private static final int SCAN_BYTES = 4096;

    /**
     * For a saved pc without an ORC rule: the stack slot holding the return address into the
     * function's caller, or 0. This is the panicking CPU's case: {@code __crash_kexec} is
     * {@code STACK_FRAME_NON_STANDARD} (its {@code crash_setup_regs()} inline asm confuses
     * objtool), so ORC has no entries for it. A slot qualifies when it holds a kernel text
     * address just after a {@code call rel32} (opcode 0xe8) whose target is the function itself.
     */
    private long scanForCaller(long sp, SymbolMatch current) {
        long target = current.symbol().address();
        // Up to the end of the stack: reading stops at the first unreadable page (the guard gap).
        int len = 0;
        int page = mem.arch().pageSize();
        while (len < SCAN_BYTES) {
            int n = (int) (page - ((sp + len) & (page - 1)));
            try {
                mem.read(sp + len, n);
            } catch (IOException e) {
                break;
            }
            len += n;
        }
        byte[] words;
        try {
            words = mem.read(sp, Math.min(len, SCAN_BYTES));
        } catch (IOException e) {
            return 0;
        }
        for (int off = 0; off + 8 <= words.length; off += 8) {
            long ret = Bytes.s64(words, off, ByteOrder.LITTLE_ENDIAN);
            if (tableFor(ret - 1) == null || symbols.lookup(ret - 1).isEmpty()) {
                continue;
            }
            try {
                if (mem.u8(ret - 5) == 0xe8) {
                    int rel = (int) mem.u32(ret - 4);
                    if (ret + rel == target) {
                        return sp + off;
                    }
                }
            } catch (IOException e) {
                // Not a return address.
            }
        }
        return 0;
    }

    private static long fromRegs(Registers regs, String name) throws IOException {
        if (regs == null || !regs.has(name)) {
            throw new IOException("ORC needs register " + name + " that this frame does not have");
        }
        return regs.get(name);
    }

    private Frame frame(long ip, long sp, Registers regs, String note, boolean exact) {
        return Frames.frame(symbols, ip, sp, regs, note, !exact);
    }
}
