package io.kdump4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the first kernel said about itself just before the crash (tests/e2e/truth.sh wrote it to
 * the test disk; the console carries the panic's Call Trace): the yardstick of the kernel matrix.
 *
 * @param tasks    every /proc/PID/stat: PID, comm, PPID
 * @param modules  /proc/modules: name and size in bytes
 * @param meminfo  /proc/meminfo in kB
 * @param kallsyms the truth folder's kallsyms file (a System.map of the core kernel)
 */
record KernelTruth(List<Task> tasks, Map<String, Long> modules, Map<String, Long> meminfo, Path kallsyms) {
    record Task(int pid, String comm, int ppid) {
    }

    static KernelTruth read(Path dir) throws IOException {
        List<Task> tasks = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("stat"))) {
            // pid (comm) state ppid ...: comm may hold spaces and parentheses, so the last ')' ends it
            int open = l.indexOf(" (");
            int close = l.lastIndexOf(')');
            if (open < 0 || close < open) {
                throw new IOException(dir + "/stat: not a /proc/PID/stat line: " + l);
            }
            String[] rest = l.substring(close + 2).split(" ");
            tasks.add(new Task(Integer.parseInt(l.substring(0, open)), l.substring(open + 2, close), Integer.parseInt(rest[1])));
        }
        Map<String, Long> modules = new LinkedHashMap<>();
        for (String l : Files.readAllLines(dir.resolve("modules"))) {
            String[] f = l.split(" ");
            modules.put(f[0], Long.parseLong(f[1]));
        }
        Map<String, Long> mem = new LinkedHashMap<>();
        for (String l : Files.readAllLines(dir.resolve("meminfo"))) {
            String[] f = l.split(":\\s+|\\s+kB");
            mem.put(f[0], Long.parseLong(f[1].trim()));
        }
        if (tasks.isEmpty() || mem.isEmpty()) {
            throw new IOException(dir + ": the first kernel recorded no tasks or no meminfo");
        }
        return new KernelTruth(List.copyOf(tasks), modules, mem, dir.resolve("kallsyms"));
    }

    private static final Pattern FRAME = Pattern.compile("^\\s*(\\?\\s+)?([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x[0-9a-f]+");

    /**
     * The reliable frames (no "?") of the first Call Trace after the sysrq panic line in LOG (the
     * console or the dump's own kernel log), from its panic/vpanic frame on: the frames above it
     * are the printing of the trace itself (dump_stack_lvl, show_stack), which returned before
     * panic went on to crash_kexec and saved the registers the dump's bt starts from. Empty when
     * LOG has no such trace (a PREEMPT_RT kernel's console may print nothing at panic). DUMPLOG:
     * LOG is the kernel's own records (no time stamps, nothing of user space's).
     */
    static Optional<List<String>> panicTrace(List<String> log, boolean dumpLog) {
        int i = 0;
        while (i < log.size() && !log.get(i).contains("sysrq triggered crash")) {
            i++;
        }
        while (i < log.size() && !log.get(i).toLowerCase(java.util.Locale.ROOT).contains("call trace:")) {
            i++;
        }
        List<String> frames = new ArrayList<>();
        for (i++; i < log.size(); i++) {
            // the host's time stamp (ours "  6.723 ", the lab's "[host    5.67] "), then the kernel's
            String l = log.get(i).replaceFirst("^\\s*[0-9]+\\.[0-9]+ ", "").replaceFirst("^\\[host [ 0-9.]+\\] ", "");
            boolean kernelLine = dumpLog || l.startsWith("[");
            l = l.replaceFirst("^\\[[ 0-9.]+\\]", "").replaceFirst("^\\[\\s*[TC][0-9]+\\]", "");
            if (!kernelLine || l.contains("<TASK>")) {
                continue; // user space's own output interleaved on the console ("KDUMP4J panic-trigger")
            }
            Matcher m = FRAME.matcher(l);
            if (!m.find()) {
                break;
            }
            if (m.group(1) == null) {
                frames.add(m.group(2));
            }
        }
        int start = 0;
        while (start < frames.size() && !frames.get(start).equals("panic") && !frames.get(start).equals("vpanic")) {
            start++;
        }
        return start == frames.size() ? Optional.empty() : Optional.of(List.copyOf(frames.subList(start, frames.size())));
    }
}
