package io.kdump4j.kernel;

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
 * The VMCOREINFO note: the {@code KEY=VALUE\n} lines the kernel writes at boot
 * ({@code kernel/vmcore_info.c}, formerly {@code kernel/crash_core.c}) plus {@code CRASHTIME=}
 * appended at panic.
 *
 * <p>Key kinds and their value syntax, as the kernel's {@code VMCOREINFO_*} macros print them:
 * <ul>
 * <li>{@code SYMBOL(name)=%lx} — hexadecimal without {@code 0x};
 * <li>{@code SIZE(type)=%lu}, {@code OFFSET(type.member)=%lu}, {@code LENGTH(name)=%lu} — decimal;
 * <li>{@code NUMBER(name)=%ld} — signed decimal; but arm64 prints some of its numbers with
 *     {@code 0x%llx} ({@code NUMBER(kimage_voffset)=0xffffc185c3c00000}), so both are accepted;
 * <li>{@code KERNELOFFSET=%lx} — hexadecimal without {@code 0x};
 * <li>{@code OSRELEASE}, {@code BUILD-ID}, {@code PAGESIZE}, {@code CRASHTIME} and anything else:
 *     plain text, read through {@link #text(String)}.
 * </ul>
 *
 * <p>Malformed lines are <em>tolerated with a warning</em> rather than rejected: the note is
 * free text that kernels and backports keep extending, and one odd line must not make a dump
 * unreadable. Each warning names the file offset of the bad line; a getter for a key whose
 * value did not parse returns empty. A later duplicate of a key replaces the earlier one, as
 * in makedumpfile.
 */
public final class Vmcoreinfo {
    private final Map<String, String> raw;
    private final List<String> warnings;

    private Vmcoreinfo(Map<String, String> raw, List<String> warnings) {
        this.raw = Collections.unmodifiableMap(raw);
        this.warnings = List.copyOf(warnings);
    }

    /** An empty VMCOREINFO, for dumps that carry none. */
    public static Vmcoreinfo empty() {
        return new Vmcoreinfo(new LinkedHashMap<>(), List.of());
    }

    /** Parses the descriptor of a VMCOREINFO note of {@code source}. */
    public static Vmcoreinfo parse(String source, Note note) {
        return parse(source, note.descOffset(), note.desc());
    }

    /**
     * Parses VMCOREINFO text.
     *
     * @param source the file name, for warnings
     * @param offset the file offset of {@code text[0]}, for warnings
     */
    public static Vmcoreinfo parse(String source, long offset, byte[] text) {
        Map<String, String> map = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        int end = text.length;
        // The descriptor is padded to 4 bytes and the kernel's buffer may be NUL-filled.
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
            long at = offset + lineStart;
            if (!line.isEmpty()) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    warnings.add(source + ": at offset " + at + ": VMCOREINFO line without KEY=VALUE ignored: \""
                            + printable(line) + "\"");
                } else {
                    String key = line.substring(0, eq);
                    String value = line.substring(eq + 1);
                    String problem = check(key, value);
                    if (problem != null) {
                        warnings.add(source + ": at offset " + at + ": VMCOREINFO " + problem + ": \""
                                + printable(line) + "\"");
                    }
                    map.put(key, value);
                }
            }
            lineStart = nl + 1;
        }
        return new Vmcoreinfo(map, warnings);
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
    static Long parseHex(String v) {
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

    /**
     * A decimal (optionally negative) or {@code 0x} hexadecimal number; hexadecimal is taken as
     * unsigned 64-bit. Null when malformed.
     */
    static Long parseNumber(String v) {
        String s = v.trim();
        if (s.startsWith("0x") || s.startsWith("0X")) {
            return parseHex(s);
        }
        try {
            if (s.startsWith("-")) {
                return Long.parseLong(s);
            }
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The lines that could not be used, each naming the file offset of its line. */
    public List<String> warnings() {
        return warnings;
    }

    /** Every key and its raw value, in note order. */
    public Map<String, String> entries() {
        return raw;
    }

    public boolean has(String key) {
        return raw.containsKey(key);
    }

    /** A raw value: {@code text("OSRELEASE")}, {@code text("BUILD-ID")}. */
    public Optional<String> text(String key) {
        return Optional.ofNullable(raw.get(key));
    }

    /** {@code SYMBOL(name)}: a kernel virtual address. */
    public OptionalLong symbol(String name) {
        return hex("SYMBOL(" + name + ")");
    }

    /** {@code SIZE(type)}: a struct or type size in bytes. */
    public OptionalLong size(String type) {
        return number0("SIZE(" + type + ")");
    }

    /** {@code OFFSET(type.member)}: a member offset in bytes. */
    public OptionalLong offset(String type, String member) {
        return number0("OFFSET(" + type + "." + member + ")");
    }

    /** {@code LENGTH(name)}: an array length. */
    public OptionalLong length(String name) {
        return number0("LENGTH(" + name + ")");
    }

    /** {@code NUMBER(name)}: a constant, signed decimal or hexadecimal. */
    public OptionalLong number(String name) {
        return number0("NUMBER(" + name + ")");
    }

    /** {@code OSRELEASE}: the kernel release ({@code uname -r}). */
    public Optional<String> osrelease() {
        return text("OSRELEASE");
    }

    /** {@code BUILD-ID} (Linux 5.9+): the hex GNU build ID of vmlinux. */
    public Optional<String> buildId() {
        return text("BUILD-ID").map(String::trim).filter(s -> !s.isEmpty());
    }

    /** {@code PAGESIZE}. */
    public OptionalLong pageSize() {
        return number0("PAGESIZE");
    }

    /** {@code CRASHTIME}: unix seconds of the panic, appended by {@code crash_save_vmcoreinfo()}. */
    public OptionalLong crashTime() {
        return number0("CRASHTIME");
    }

    /** {@code KERNELOFFSET}: the KASLR displacement of the kernel image (hex). */
    public OptionalLong kernelOffset() {
        return hex("KERNELOFFSET");
    }

    private OptionalLong hex(String key) {
        String v = raw.get(key);
        Long n = v == null ? null : parseHex(v);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }

    private OptionalLong number0(String key) {
        String v = raw.get(key);
        Long n = v == null ? null : parseNumber(v);
        return n == null ? OptionalLong.empty() : OptionalLong.of(n);
    }
}
