package io.kdump4j.kernel.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Backtraces of the panicking CPU of every fixture dump. */
class StacksFixtureTest {

    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void printsPanicStack(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            Stacks s = Stacks.of(k);
            List<Stacks.CpuState> cpus = s.cpuStates();
            for (Stacks.CpuState cpu : cpus) {
                System.out.println(c + " CPU " + cpu.cpu() + " pid " + cpu.pid());
                for (Frame f : s.cpuStack(cpu, cpu.cpu() == 0)) {
                    System.out.println("  " + f.symbolized() + " sp=" + Long.toHexString(f.sp()) + (f.note() == null ? "" : " (" + f.note() + ")")
                            + (f.regs() == null ? "" : " regs " + f.regs().values().keySet().size()));
                }
            }
            assertTrue(!cpus.isEmpty());
        }
    }
}
