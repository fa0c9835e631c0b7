package io.kdump4j.setup.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A kernel command line split the way the kernel's {@code next_arg()} splits it: on blanks,
 * except inside double quotes ({@code foo="a b"}). Everything after a lone {@code --} goes to
 * init, not the kernel, and is kept apart.
 *
 * @param kernel the kernel's parameters, in order
 * @param init   the words after {@code --}
 */
public record KernelCommandLine(List<String> kernel, List<String> init) {
    public KernelCommandLine {
        kernel = List.copyOf(kernel);
        init = List.copyOf(init);
    }

    public static KernelCommandLine parse(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                cur.append(c);
                any = true;
            } else if (!quoted && Character.isWhitespace(c)) {
                if (any) {
                    words.add(cur.toString());
                    cur.setLength(0);
                    any = false;
                }
            } else {
                cur.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(cur.toString());
        }
        int dd = words.indexOf("--");
        if (dd < 0) {
            return new KernelCommandLine(words, List.of());
        }
        return new KernelCommandLine(words.subList(0, dd), words.subList(dd + 1, words.size()));
    }

    /** The name of a parameter: the part before '=' (the kernel treats '-' and '_' alike). */
    public static String name(String param) {
        int eq = param.indexOf('=');
        return (eq < 0 ? param : param.substring(0, eq)).replace('-', '_');
    }

    /** The value of a parameter without surrounding quotes, or null for a bare flag. */
    public static String value(String param) {
        int eq = param.indexOf('=');
        if (eq < 0) {
            return null;
        }
        String v = param.substring(eq + 1);
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    /** The value of the last occurrence of a parameter (the kernel's last one wins for most). */
    public Optional<String> last(String name) {
        String n = name.replace('-', '_');
        String found = null;
        boolean seen = false;
        for (String p : kernel) {
            if (name(p).equals(n)) {
                found = value(p);
                seen = true;
            }
        }
        return seen ? Optional.of(found == null ? "" : found) : Optional.empty();
    }

    /** Every value given to a parameter that may repeat ({@code crashkernel=X,high} + {@code ,low}). */
    public List<String> all(String name) {
        String n = name.replace('-', '_');
        return kernel.stream().filter(p -> name(p).equals(n)).map(p -> {
            String v = value(p);
            return v == null ? "" : v;
        }).toList();
    }

    @Override
    public String toString() {
        return String.join(" ", kernel) + (init.isEmpty() ? "" : " -- " + String.join(" ", init));
    }
}
