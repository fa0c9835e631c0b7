package io.kdump4j.cli;

import picocli.CommandLine;

/**
 * {@code kdump4j --version}: the version and commit the launcher passes
 * ({@code -Dkdump4j.version}, {@code -Dkdump4j.commit}: the Debian package's are fixed when it is
 * built, bin/kdump4j's come from the git tree) and the Java runtime that runs it.
 */
public final class Kdump4jVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = System.getProperty("kdump4j.version");
        if (v == null || v.isBlank()) {
            v = Kdump4jVersion.class.getPackage().getImplementationVersion();
        }
        String commit = System.getProperty("kdump4j.commit");
        return new String[] {
            "kdump4j " + (v == null || v.isBlank() ? "dev" : v)
                    + " (commit " + (commit == null || commit.isBlank() ? "unknown" : commit) + ")",
            "Java runtime: " + System.getProperty("java.runtime.name", "Java") + " "
                    + System.getProperty("java.runtime.version", System.getProperty("java.version")) + " ("
                    + System.getProperty("java.vendor", "unknown vendor") + ", " + System.getProperty("os.arch")
                    + ") at " + System.getProperty("java.home")
        };
    }
}
