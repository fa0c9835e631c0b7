package io.kdump4j.setup.check;

import java.util.List;

/**
 * All findings of one {@code kdump4j check} run and the verdict: ready when nothing failed and
 * nothing required could not be checked.
 */
public record CheckReport(List<Finding> findings) {
    /** The answer scripts act on; its {@link #exitCode()} is the command's exit code. */
    public enum Verdict {
        READY(0), NOT_READY(1), UNKNOWN(2);

        private final int exitCode;

        Verdict(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    public CheckReport {
        findings = List.copyOf(findings);
    }

    public Verdict verdict() {
        if (findings.stream().anyMatch(f -> f.severity() == Severity.FAIL)) {
            return Verdict.NOT_READY;
        }
        if (findings.stream().anyMatch(f -> f.severity() == Severity.UNKNOWN)) {
            return Verdict.UNKNOWN;
        }
        return Verdict.READY;
    }

    public int exitCode() {
        return verdict().exitCode();
    }

    /** The finding with this id, if the run made it. */
    public java.util.Optional<Finding> find(String id) {
        return findings.stream().filter(f -> f.id().equals(id)).findFirst();
    }
}
