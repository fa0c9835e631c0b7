package io.kdump4j.format.note;

import io.kdump4j.format.Note;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The text of a VMCOREINFO note, {@code KEY=VALUE\n} lines: the one parser of it in kdump4j
 * (the kernel layer's {@code Vmcoreinfo} adds typed accessors on top; the saver, {@code info},
 * the ELF and kdump readers' page-size probes and setup's /proc/kcore reader all read through
 * this class, so a key means the same everywhere).
 *
 * <p>Value syntax, as the kernel's {@code VMCOREINFO_*} macros print it
 * ({@code include/linux/vmcore_info.h}, formerly {@code crash_core.h}):
 * <ul>
 * <li>{@code SYMBOL(name)=%lx} and {@code KERNELOFFSET=%lx}: hexadecimal without {@code 0x}
 *     ({@link #hex});
 * <li>{@code SIZE(type)=%lu}, {@code OFFSET(type.member)=%lu}, {@code LENGTH(name)=%lu}: decimal;
 *     {@code NUMBER(name)=%ld}: signed decimal, but architectures append some numbers with
 *     {@code 0x%llx} themselves (arm64's {@code NUMBER(kimage_voffset)}, riscv's
 *     {@code NUMBER(PAGE_OFFSET)}), so {@link #number} takes both;
 * <li>{@code OSRELEASE}, {@code BUILD-ID}, {@code PAGESIZE}, {@code CRASHTIME} and the rest:
 *     text ({@link #text}), {@code PAGESIZE} and {@code CRASHTIME} decimal.
 * </ul>
 *
 * <p><b>A repeated key: the later line wins.</b> The kernel only ever appends to the buffer
 * ({@code vmcoreinfo_append_str()} in {@code kernel/vmcore_info.c}, {@code kernel/crash_core.c}
 * before v6.9): first the generic entries of {@code crash_save_vmcoreinfo_init()}, then
 * {@code arch_crash_save_vmcoreinfo()}, and at panic {@code crash_save_vmcoreinfo()} appends
 * {@code CRASHTIME} to what boot wrote (or to the safe copy made at kexec load). A later line for
 * the same key is therefore the later statement: an architecture's override of a generic
 * entry, or the panic-time value after a boot-time one. drgn's {@code parse_vmcoreinfo()}
 * also keeps the last; makedumpfile's and crash's symbol lookups stop at the first match, which
 * on the kernel's own notes never differs because the kernel does not repeat a key with another
 * value. {@link #entries} keeps each key once, at its first position, with its last value.
 *
 * <p>Malformed lines are <em>tolerated with a warning</em>, not rejected: the note is free text
 * that kernels and backports keep extending, and one odd line must not make a dump unreadable.
 * Each warning names the file offset of the bad line; a getter for a key whose value did not
 * parse returns empty. Trailing NULs (the descriptor's padding) are ignored; bytes are read as
 * ISO-8859-1, so any byte survives into the warning.
 */
public final class VmcoreinfoText {
    /** The owner name of the note (type 0) that carries this text. */
    public static final String NOTE_NAME = "VMCOREINFO";

    private static final VmcoreinfoText EMPTY = new VmcoreinfoText(new LinkedHashMap<>(), List.of());

    private final Map<String, String> entries;
    private final List<String> warnings;

    private VmcoreinfoText(Map<String, String> entries, List<String> warnings) {
        this.entries = Collections.unmodifiableMap(entries);
        this.warnings = List.copyOf(warnings);
    }

    /** No VMCOREINFO: every lookup is empty. */
    public static VmcoreinfoText empty() {
        return EMPTY;
    }

    /** The first VMCOREINFO note of {@code notes}, parsed; empty when there is none. */
    public static Optional<VmcoreinfoText> find(String source, List<Note> notes) {
        for (Note n : notes) {
            if (n.name().equals(NOTE_NAME)) {
                return Optional.of(parse(source, n));
            }
        }
        return Optional.empty();
    }

    /** Parses the descriptor of a VMCOREINFO note of {@code source}. */
    public static VmcoreinfoText parse(String source, Note note) {
        return parse(source, note.descOffset(), note.desc());
    }

    /** Parses text that has no file offset (read from /proc/kcore, a test, a golden file). */
    public static VmcoreinfoText parse(String source, String text) {
        return parse(source, -1, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * Parses VMCOREINFO text.
     *
     * @param source the file name, for warnings
     * @param offset the file offset of {@code text[0]}, for warnings (-1 when unknown)
     */
    public static VmcoreinfoText parse(String source, long offset, byte[] text) {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        int end = text.length;
        while (end > 0 && text[end - 1] == 0) {
            end--;
        }
        int lineStart = 0;
        while (lineStart < end) {
            int nl = lineStart;
            while (nl < end && text[nl] != '\n') {
                nl++;
            }
            String line = new String(text, lineStart, nl - lineStart, StandardCharsets.ISO_8859_1);
            String at = offset < 0 ? "" : "at offset " + (offset + lineStart) + ": ";
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    warnings.add(source + ": " + at + "VMCOREINFO line without KEY=VALUE ignored: \""
                            + printable(line) + "\"");
                } else {
                    String key = line.substring(0, eq);
                    String value = line.substring(eq + 1);
                    String problem = check(key, value);
                    if (problem != null) {
                        warnings.add(source + ": " + at + "VMCOREINFO " + problem + ": \"" + printable(line) + "\"");
                    }
                    map.put(key, value);
                }
            }
            lineStart = nl + 1;
        }
        return new VmcoreinfoText(map, warnings);
    }

    /** Why a key's value does not fit its kind, or null when it does. */
    private static String check(String key, String value) {
        if (key.startsWith("SYMBOL(") || key.equals("KERNELOFFSET")) {
            return parseHex(value) == null ? "value is not hexadecimal" : null;
        }
        if (key.startsWith("SIZE(") || key.startsWith("OFFSET(") || key.startsWith("LENGTH(")
                || key.startsWith("NUMBER(") || key.equals("PAGESIZE") || key.equals("CRASHTIME")) {
            return parseNumber(value) == null ? "value is not a number" : null;
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 120; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return b.toString();
    }

    /** Hexadecimal with an optional {@code 0x}, as an unsigned 64-bit value; null when malformed. */
    private static Long parseHex(String v) {
        String s = v.trim();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if (s.isEmpty() || s.length() > 16) {
            return null;
        }
        try {
            return Long.parseUnsignedLong(s, 16);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Decimal (optionally negative) or {@code 0x} hexadecimal taken as unsigned 64-bit; null when malformed. */
    private static Long parseNumber(String v) {
        String s = v.trim();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            return parseHex(s);
        }
        try {
            return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The lines that could not be used, each naming the file offset of its line. */
    public List<String> warnings() {
        return warnings;
    }

    /** Every key once, in the order of its first line, with the value of its last line. */
    public Map<String, String> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A raw value, as the line has it after the {@code =}. */
    public Optional<String> text(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /** A hexadecimal value ({@code SYMBOL(..)}, {@code KERNELOFFSET}); empty when absent or malformed. */
    public OptionalLong hex(String key) {
        String v = entries.get(key);
        Long n = v == null ? null : parseHex(v);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }

    /** A decimal or {@code 0x} number ({@code SIZE}, {@code OFFSET}, {@code NUMBER}, {@code PAGESIZE} ...). */
    public OptionalLong number(String key) {
        String v = entries.get(key);
        Long n = v == null ? null : parseNumber(v);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }
}
