package io.kdump4j.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole report on every fixture dump (ELF, kdump-compressed, flattened, QEMU): class,
 * message, task, CPU, culprit and call trace, a signature independent of KASLR and of the
 * container, and the JSON keys the schema promises.
 */
class AnalyzerFixtureTest {

    /** The x86_64 fixtures' dumps (their folder names say the architecture). */
    static List<Path> x86Dumps() throws IOException {
        return dumps().stream().filter(p -> Fixtures.root().relativize(p).toString().startsWith("x86_64")).toList();
    }

    static List<Path> dumps() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : Fixtures.cases()) {
            String rel = Fixtures.root().relativize(dir).toString();
            Path elf = Fixtures.elfCore(rel);
            if (elf != null) {
                out.add(elf);
            }
            try (var s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".kdump") || p.toString().endsWith(".flat")).sorted().forEach(out::add);
            }
        }
        return out;
    }

    static CrashReport analyze(Path dump) throws IOException {
        try (Session s = Session.open(dump, null)) {
            return Analyzer.run(s);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void reportsTheSysrqCrash(Path dump) throws IOException {
        CrashReport r = analyze(dump);
        assertEquals("sysrq", r.panicClass());
        assertEquals("Kernel panic - not syncing: sysrq triggered crash", r.classification().panicMessage());
        assertEquals(1, r.pid());
        assertEquals("init", r.comm());
        assertTrue(r.cpu() >= 0);
        assertEquals("sysrq_handle_crash", r.culprit().function());
        assertEquals("stack", r.culprit().source());
        assertEquals(0, r.taintMask());
        List<String> functions = r.frames().stream().map(f -> f.function()).toList();
        assertTrue(functions.contains("panic") && functions.contains("write_sysrq_trigger"), functions.toString());
        assertEquals("sysrq_handle_crash", r.signatureFrames().get(0));
        Map<String, Object> json = r.toJson();
        for (String key : List.of("panic_class", "panic_message", "cpu", "task", "frames", "taint", "signature")) {
            assertTrue(json.containsKey(key), key);
        }
        String text = Json.write(json);
        assertTrue(text.contains("\"panic_class\": \"sysrq\""));
        String html = HtmlReport.render(r);
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("sysrq_handle_crash"));
        assertFalse(html.contains("<script") || html.contains("http://") || html.contains("https://"), "self-contained");
        assertTrue(r.toText().contains("SIGNATURE"));
    }

    /**
     * x86_64: panic() printed the kernel's own call trace (dump_stack) into the log; its reliable
     * entries after panic are exactly kdump4j's frames after panic. (arm64 prints the noreturn
     * call's return address unadjusted, "sysrq_reset_seq_param_set+0x0", so it is not compared.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("x86Dumps")
    void framesAfterPanicEqualTheKernelsOwnTrace(Path dump) throws IOException {
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "^ ([A-Za-z_][\\w.]*)\\+0x[0-9a-f]+/0x[0-9a-f]+(?: \\[\\S+\\])?$");
        List<String> trace = new ArrayList<>();
        CrashReport r;
        try (Session s = Session.open(dump, null)) {
            assertEquals("x86_64", s.kernel().arch().name());
            boolean in = false;
            for (io.kdump4j.kernel.helpers.printk.LogRecord rec : LogResult.of(s).records()) {
                String m = rec.message();
                if (m.equals("Call Trace:")) {
                    in = true;
                    trace.clear();
                } else if (in && m.equals(" </TASK>")) {
                    in = false;
                } else if (in) {
                    java.util.regex.Matcher t = line.matcher(m);
                    if (t.matches()) {
                        trace.add(t.group(1));
                    }
                }
            }
            r = Analyzer.run(s);
        }
        List<String> ours = r.frames().stream().map(f -> f.function()).toList();
        assertEquals(trace.subList(trace.indexOf("panic") + 1, trace.size()), ours.subList(ours.indexOf("panic") + 1, ours.size()));
    }

    /**
     * The same crash in two containers (arm64 ELF and kdump-compressed) and two crashes of one
     * kernel with different KASLR offsets (x86_64 6.1 ELF and flattened) give one signature each.
     */
    @Test
    void signatureIsStableAcrossContainersAndKaslr() throws IOException {
        Map<String, List<String>> byKernel = new HashMap<>();
        for (Path d : dumps()) {
            String kernel = Fixtures.root().relativize(d.startsWith(Fixtures.root()) ? d : d).toString();
            CrashReport r = analyze(d);
            byKernel.computeIfAbsent(r.release() + " " + r.machine(), k -> new ArrayList<>()).add(r.signature());
            assertNotNull(kernel);
        }
        for (Map.Entry<String, List<String>> e : byKernel.entrySet()) {
            assertEquals(1, e.getValue().stream().distinct().count(), e.getKey() + ": " + e.getValue());
        }
    }
}
