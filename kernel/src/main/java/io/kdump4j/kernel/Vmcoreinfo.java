package io.kdump4j.kernel;

import io.kdump4j.format.Note;
import io.kdump4j.format.note.VmcoreinfoText;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The VMCOREINFO note with the kernel's meaning of its keys: {@code SYMBOL(name)} is a kernel
 * virtual address, {@code OFFSET(type.member)} a member offset, {@code NUMBER(name)} a constant.
 * The text itself (line syntax, value syntax, malformed lines, and the rule for a repeated key:
 * the later line wins) is the format module's {@link VmcoreinfoText}, the one parser every
 * other reader of the note goes through too; this class only adds the typed accessors.
 */
public final class Vmcoreinfo {
    private final VmcoreinfoText text;

    private Vmcoreinfo(VmcoreinfoText text) {
        this.text = text;
    }

    /** The typed view of already parsed text. */
    public static Vmcoreinfo of(VmcoreinfoText text) {
        return new Vmcoreinfo(text);
    }

    /** An empty VMCOREINFO, for dumps that carry none. */
    public static Vmcoreinfo empty() {
        return new Vmcoreinfo(VmcoreinfoText.empty());
    }

    /** Parses the descriptor of a VMCOREINFO note of {@code source}. */
    public static Vmcoreinfo parse(String source, Note note) {
        return new Vmcoreinfo(VmcoreinfoText.parse(source, note));
    }

    /**
     * Parses VMCOREINFO text.
     *
     * @param source the file name, for warnings
     * @param offset the file offset of {@code text[0]}, for warnings
     */
    public static Vmcoreinfo parse(String source, long offset, byte[] text) {
        return new Vmcoreinfo(VmcoreinfoText.parse(source, offset, text));
    }

    /** The parsed text under this view. */
    public VmcoreinfoText text() {
        return text;
    }

    /** The lines that could not be used, each naming the file offset of its line. */
    public List<String> warnings() {
        return text.warnings();
    }

    /** Every key and its raw value, in note order (a repeated key: its last value). */
    public Map<String, String> entries() {
        return text.entries();
    }

    public boolean has(String key) {
        return text.has(key);
    }

    /** A raw value: {@code text("OSRELEASE")}, {@code text("BUILD-ID")}. */
    public Optional<String> text(String key) {
        return this.text.text(key);
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
        return text.hex(key);
    }

    private OptionalLong number0(String key) {
        return text.number(key);
    }
}
