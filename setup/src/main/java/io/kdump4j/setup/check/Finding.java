package io.kdump4j.setup.check;

import java.util.Objects;

/**
 * One result of {@code kdump4j check}.
 *
 * @param id       stable identifier for scripts, e.g. {@code config.crash-dump}
 * @param severity how much it matters
 * @param found    what was found, one line
 * @param meaning  what it means for catching a crash (empty for passing checks)
 * @param fix      how to fix it, concretely (empty when nothing needs doing)
 */
public record Finding(String id, Severity severity, String found, String meaning, String fix) {
    public Finding {
        Objects.requireNonNull(id);
        Objects.requireNonNull(severity);
        Objects.requireNonNull(found);
        meaning = meaning == null ? "" : meaning;
        fix = fix == null ? "" : fix;
    }

    public static Finding ok(String id, String found) {
        return new Finding(id, Severity.OK, found, "", "");
    }
}
