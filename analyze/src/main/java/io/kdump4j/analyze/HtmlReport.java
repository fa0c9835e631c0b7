package io.kdump4j.analyze;

import io.kdump4j.kernel.helpers.panic.Taint;
import io.kdump4j.kernel.helpers.time.Uptime;
import io.kdump4j.kernel.unwind.Frame;
import java.time.Instant;

/**
 * The {@code analyze} report as one self-contained HTML page (inline CSS, no scripts, no
 * external resources), every dump-derived string escaped.
 */
public final class HtmlReport {
    private HtmlReport() {
    }

    public static String render(CrashReport r) {
        StringBuilder sb = new StringBuilder(16 * 1024);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc("kdump4j: " + r.panicClass() + " on " + r.release())).append("</title>\n<style>\n")
                .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;background:#fafafa}\n")
                .append("h1{font-size:1.4em;margin-bottom:.2em}.cls{display:inline-block;padding:.2em .6em;border-radius:.3em;")
                .append("background:#b00020;color:#fff;font-weight:600}.sub{color:#555}\n")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:.25em .8em;text-align:left;vertical-align:top}")
                .append("th{color:#555;font-weight:500;white-space:nowrap}\n")
                .append("pre{background:#fff;border:1px solid #ddd;padding:.8em;overflow-x:auto;font-size:.9em}\n")
                .append("ol.frames{font-family:ui-monospace,monospace;font-size:.9em}ol.frames li.meaningful{font-weight:600}")
                .append(".note{color:#8a6d00}code{font-family:ui-monospace,monospace}\n</style></head><body>\n");
        sb.append("<h1><span class=\"cls\">").append(esc(r.panicClass())).append("</span> ")
                .append(esc(r.classification().panicMessage() == null ? "no panic message" : r.classification().panicMessage()))
                .append("</h1>\n<p class=\"sub\">").append(esc(r.classification().panicClass().description())).append("</p>\n");
        sb.append("<table>\n");
        row(sb, "Kernel", r.release() + " (" + r.machine() + ")" + (r.version() == null ? "" : " " + r.version()));
        row(sb, "Dump", r.dumpFile() + " (" + r.format() + ")");
        if (r.crashTime() >= 0) {
            row(sb, "Crash time", Instant.ofEpochSecond(r.crashTime()).toString());
        }
        row(sb, "Uptime", r.uptimeNanos() < 0 ? "unknown" : Uptime.format(r.uptimeNanos()));
        row(sb, "CPU", r.cpu() < 0 ? "unknown" : String.valueOf(r.cpu()));
        row(sb, "Task", (r.pid() < 0 ? "?" : "PID " + r.pid()) + (r.comm() == null ? "" : " \u201c" + r.comm() + "\u201d"));
        if (r.culprit() != null) {
            CrashReport.Culprit c = r.culprit();
            row(sb, "Culprit", c.function() + (c.offset() >= 0 ? "+0x" + Long.toHexString(c.offset()) : "")
                    + (c.module() == null ? " (vmlinux)" : " [" + c.module() + "]") + ", from the " + c.source());
        }
        if (r.classification().evidence() != null) {
            row(sb, "Evidence", r.classification().evidence());
        }
        row(sb, "Taint", r.taintMask() < 0 ? "unknown" : Taint.kernelString(r.taintMask()));
        if (r.modules() != null) {
            row(sb, "Modules", r.modules().isEmpty() ? "none" : String.join(", ", r.modules()));
        }
        row(sb, "Signature", r.signature() + " (" + String.join(" \u2190 ", r.signatureFrames()) + ")");
        sb.append("</table>\n<h2>Call trace</h2>\n<ol class=\"frames\" start=\"0\">\n");
        for (Frame f : r.frames()) {
            sb.append(Signature.machinery(f.function()) ? "<li>" : "<li class=\"meaningful\">").append(esc(f.symbolized()));
            if (f.note() != null && !f.note().equals("exception")) {
                sb.append(" <span class=\"note\">(").append(esc(f.note())).append(")</span>");
            }
            if (f.regs() != null) {
                StringBuilder regs = new StringBuilder();
                TaskStack.appendRegs(regs, f.regs());
                sb.append("<pre>").append(esc(regs.toString())).append("</pre>");
            }
            sb.append("</li>\n");
        }
        sb.append("</ol>\n");
        if (!r.blockedTasks().isEmpty()) {
            sb.append("<h2>Blocked tasks (state D)</h2>\n<ul>\n");
            for (TaskStack t : r.blockedTasks()) {
                sb.append("<li><code>PID ").append(t.pid()).append(' ').append(esc(t.comm())).append("</code>: ")
                        .append(esc(String.join(" \u2190 ", t.frames().stream().limit(8)
                                .map(f -> f.function() == null ? "?" : f.function()).toList()))).append("</li>\n");
            }
            sb.append("</ul>\n");
        }
        sb.append("<h2>Kernel log</h2>\n<pre>");
        for (String l : r.logExcerpt()) {
            sb.append(esc(l)).append('\n');
        }
        sb.append("</pre>\n");
        for (String n : r.notes()) {
            sb.append("<p class=\"note\">").append(esc(n)).append("</p>\n");
        }
        sb.append("<p class=\"sub\">Made by kdump4j from the dump alone (kallsyms, BTF and ORC read from its memory).</p>\n")
                .append("</body></html>\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String k, String v) {
        sb.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }
}
