package io.kdump4j.setup.fdt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of a device tree: a name ("" for the root, "memory@40000000"), its properties in
 * file order and its children in file order. Mutable, because the capture kernel's tree is the
 * running one with /chosen rewritten; property values are kept as raw big-endian bytes, as in
 * the blob, and the typed accessors interpret them.
 */
public final class FdtNode {
    private final String name;
    private final LinkedHashMap<String, byte[]> properties = new LinkedHashMap<>();
    private final List<FdtNode> children = new ArrayList<>();

    public FdtNode(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The properties, name to value, in order; read-only. */
    public Map<String, byte[]> properties() {
        return Collections.unmodifiableMap(properties);
    }

    public List<FdtNode> children() {
        return Collections.unmodifiableList(children);
    }

    public Optional<byte[]> property(String property) {
        return Optional.ofNullable(properties.get(property));
    }

    /** Sets (replacing, in place) or adds (at the end) a property. */
    public FdtNode set(String property, byte[] value) {
        properties.put(property, value.clone());
        return this;
    }

    public FdtNode setString(String property, String value) {
        return set(property, FdtValues.string(value));
    }

    public FdtNode setCells(String property, long... cells) {
        return set(property, FdtValues.cells(cells));
    }

    public boolean remove(String property) {
        return properties.remove(property) != null;
    }

    /** The property as a NUL-terminated string (the first, if it holds a string list). */
    public Optional<String> string(String property) {
        return property(property).map(v -> {
            int end = 0;
            while (end < v.length && v[end] != 0) {
                end++;
            }
            return new String(v, 0, end, StandardCharsets.UTF_8);
        });
    }

    /** A one-cell (u32) property such as {@code #address-cells}. */
    public Optional<Long> u32(String property) {
        return property(property).filter(v -> v.length == 4).map(v -> FdtValues.cell(v, 0));
    }

    /** The child with this exact name, or empty. */
    public Optional<FdtNode> child(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).findFirst();
    }

    /** The child with this name, added at the end when missing. */
    public FdtNode childOrAdd(String childName) {
        return child(childName).orElseGet(() -> add(new FdtNode(childName)));
    }

    public FdtNode add(FdtNode child) {
        children.add(child);
        return child;
    }

    /** Children whose name is {@code base} or starts with {@code base@} ("memory" matches "memory@40000000"). */
    public List<FdtNode> childrenNamed(String base) {
        return children.stream().filter(c -> c.name.equals(base) || c.name.startsWith(base + "@")).toList();
    }

    /** The node at an absolute path such as {@code /chosen}, or empty. */
    public Optional<FdtNode> at(String path) {
        FdtNode n = this;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<FdtNode> c = n.child(part);
            if (c.isEmpty()) {
                return Optional.empty();
            }
            n = c.get();
        }
        return Optional.of(n);
    }
}
