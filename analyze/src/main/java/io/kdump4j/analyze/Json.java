package io.kdump4j.analyze;

import java.util.Collection;
import java.util.Map;

/**
 * Writes command results as JSON: maps (objects, in insertion order), collections (arrays),
 * strings, numbers, booleans and null. Objects and arrays of objects are indented two spaces.
 */
public final class Json {
    private Json() {
    }

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Boolean b -> sb.append(b);
            case Double d -> sb.append(d.isNaN() || d.isInfinite() ? "null" : d.toString());
            case Number n -> sb.append(n);
            case Map<?, ?> m -> {
                if (m.isEmpty()) {
                    sb.append("{}");
                    return;
                }
                sb.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    sb.append(" ".repeat(indent + 2));
                    string(sb, String.valueOf(e.getKey()));
                    sb.append(": ");
                    write(sb, e.getValue(), indent + 2);
                    sb.append(++i < m.size() ? ",\n" : "\n");
                }
                sb.append(" ".repeat(indent)).append('}');
            }
            case Collection<?> c -> {
                if (c.isEmpty()) {
                    sb.append("[]");
                    return;
                }
                boolean nested = c.stream().anyMatch(o -> o instanceof Map || o instanceof Collection);
                sb.append('[');
                int i = 0;
                for (Object o : c) {
                    if (nested) {
                        sb.append('\n').append(" ".repeat(indent + 2));
                    }
                    write(sb, o, indent + 2);
                    if (++i < c.size()) {
                        sb.append(nested ? "," : ", ");
                    }
                }
                if (nested) {
                    sb.append('\n').append(" ".repeat(indent));
                }
                sb.append(']');
            }
            default -> string(sb, v.toString());
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
