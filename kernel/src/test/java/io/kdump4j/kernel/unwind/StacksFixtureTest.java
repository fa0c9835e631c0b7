package io.kdump4j.kernel.unwind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.kernel.FixtureDumps;
import io.kdump4j.kernel.KernelDump;
import io.kdump4j.kernel.helpers.panic.Panics;
import io.kdump4j.kernel.helpers.sched.TaskInfo;
import io.kdump4j.kernel.helpers.sched.Tasks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backtraces of every fixture dump: the panicking CPU's frames against crash's {@code bt}
 * (crash.txt), the panic call chain on kernels where crash and drgn fail, and every sleeping
 * task's stack reaching its scheduler entry.
 */
class StacksFixtureTest {
    private static final Pattern CRASH_FRAME = Pattern.compile("^ ?#\\d+ \\[[0-9a-f]+\\] (\\S+) at [0-9a-f]+$");
    /** The sysrq-c call chain, innermost first, as every fixture's kernel runs it. */
    private static final List<String> CHAIN = List.of("panic", "sysrq_handle_crash", "__handle_sysrq",
            "write_sysrq_trigger", "proc_reg_write", "vfs_write", "ksys_write");

    private static final Pattern USER_REGISTERS = Pattern.compile("(?:RIP|PC): ([0-9a-f]{16}) .*?(?:RSP|SP): ([0-9a-f]{16})");

    /** Cases where crash printed a backtrace (crash 8.0.2 stops before its prompt on 6.12). */
    static List<FixtureDumps.Case> withCrashBt() throws IOException {
        return FixtureDumps.withCrashOutput(Pattern.compile(CRASH_FRAME.pattern(), Pattern.MULTILINE));
    }

    /** Cases where crash's bt shows the user-mode registers. */
    static List<FixtureDumps.Case> withCrashUserRegisters() throws IOException {
        return FixtureDumps.withCrashOutput(USER_REGISTERS);
    }

    static Stream<FixtureDumps.Case> cases() throws IOException {
        return FixtureDumps.all().stream();
    }

    static List<String> panicFrames(KernelDump k) throws IOException {
        int cpu = Panics.of(k).cpu();
        Stacks s = Stacks.of(k);
        List<String> names = new ArrayList<>();
        for (Frame f : s.cpuStack(s.cpuStates().get(cpu), true)) {
            names.add(f.function());
        }
        return names;
    }

    /** crash's first bt of the file: the panic task's frames. */
    static List<String> crashFrames(String crash) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : crash.split("\n")) {
            Matcher m = CRASH_FRAME.matcher(line);
            if (m.matches()) {
                in = true;
                out.add(m.group(1));
            } else if (in) {
                break;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withCrashBt")
    void panicStackEqualsCrash(FixtureDumps.Case c) throws IOException {
        List<String> expected = crashFrames(Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1));
        try (KernelDump k = FixtureDumps.open(c)) {
            List<String> ours = panicFrames(k);
            // crash's x86_64 bt also shows a stale return address it finds by scanning
            // (exit_to_user_mode_prepare between do_syscall_64 and the entry code), which an
            // unwinder does not produce: ours must be crash's frames in order, missing at most
            // such scanned extras, and equal up to do_syscall_64 / el0t_64_sync.
            int j = 0;
            for (String name : ours) {
                while (j < expected.size() && !expected.get(j).equals(name)) {
                    j++;
                }
                assertTrue(j < expected.size(), name + " of " + ours + " is not in crash's " + expected);
                j++;
            }
            int prefix = c.expectedArch().equals("x86_64") ? expected.indexOf("do_syscall_64") + 1 : expected.size();
            assertEquals(expected.subList(0, prefix), ours.subList(0, prefix));
            assertEquals(expected.get(expected.size() - 1), ours.get(ours.size() - 1));
        }
    }

    /** The user-mode registers at the bottom of the panic stack equal those crash prints. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("withCrashUserRegisters")
    void userRegistersEqualCrash(FixtureDumps.Case c) throws IOException {
        String crash = Files.readString(c.golden("crash.txt").orElseThrow(), StandardCharsets.ISO_8859_1);
        Matcher m = USER_REGISTERS.matcher(crash);
        assertTrue(m.find());
        try (KernelDump k = FixtureDumps.open(c)) {
            Stacks s = Stacks.of(k);
            List<Frame> frames = s.cpuStack(s.cpuStates().get(Panics.of(k).cpu()), true);
            Registers user = frames.get(frames.size() - 1).regs();
            assertNotNull(user, "the entry frame carries the user registers");
            boolean x86 = user.has("ip");
            assertEquals(Long.parseUnsignedLong(m.group(1), 16), user.get(x86 ? "ip" : "pc"));
            assertEquals(Long.parseUnsignedLong(m.group(2), 16), user.get("sp"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void panicStackHasTheSysrqChain(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.open(c)) {
            List<String> ours = panicFrames(k);
            int from = ours.indexOf("panic");
            assertTrue(from >= 0, ours.toString());
            List<String> chain = new ArrayList<>();
            for (String n : ours.subList(from, Math.min(ours.size(), from + CHAIN.size()))) {
                chain.add(n.replace(".cold", ""));
            }
            assertEquals(CHAIN, chain);
        }
    }

    /** Every task that was not running unwinds from its saved context into the scheduler. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sleepingTasksUnwindFromTheScheduler(FixtureDumps.Case c) throws IOException {
        try (KernelDump k = FixtureDumps.openWithDataSymbols(c)) {
            int checked = 0;
            for (TaskInfo t : Tasks.of(k).list()) {
                if (t.onCpu()) {
                    continue;
                }
                List<Frame> frames = Stacks.of(k).taskStack(t.address());
                assertNotNull(frames.get(0).function(), t.toString());
                assertTrue(frames.stream().anyMatch(f -> "__schedule".equals(f.function())), t + ": " + frames);
                assertTrue(frames.size() >= 3, t + ": " + frames);
                Frame last = frames.get(frames.size() - 1);
                assertTrue(last.note() == null || !last.note().startsWith("unwinding stopped"), t + ": " + frames);
                checked++;
            }
            assertTrue(checked > 40);
        }
    }
}
