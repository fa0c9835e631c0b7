package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code kdump4j info --json} agrees with what the real tools and the dump's own VMCOREINFO
 * (the fixture's vmcoreinfo.txt) say: release, build id, crash time, CPUs, arch, format.
 */
class InfoTest {

    private static Map<String, String> vmcoreinfo(String c) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Fixtures.dir(c).resolve("vmcoreinfo.txt"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    /** A top-level JSON value as text (strings unquoted), or "null". */
    private static String json(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": (\"((?:[^\"\\\\]|\\\\.)*)\"|[^,\\n]+)").matcher(json);
        assertTrue(m.find(), () -> "no key " + key + " in\n" + json);
        return m.group(2) != null ? m.group(2) : m.group(1).trim();
    }

    private static String crashField(String c, String field) throws IOException {
        for (String line : Files.readAllLines(Fixtures.dir(c).resolve("crash.txt"))) {
            String t = line.trim();
            if (t.startsWith(field + ":")) {
                return t.substring(field.length() + 1).trim();
            }
        }
        throw new AssertionError("no " + field + " in crash.txt of " + c);
    }

    /** crash's DATE line ("Thu Nov 26 03:52:33 UTC 2026") as Unix seconds: crash prints CRASHTIME. */
    private static long crashDate(String c) throws IOException {
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern(
                "EEE MMM d HH:mm:ss zzz yyyy", java.util.Locale.ROOT);
        return java.time.ZonedDateTime.parse(crashField(c, "DATE").replaceAll(" +", " "), f).toEpochSecond();
    }

    private static String info(Path dump) {
        CliRun r = CliRun.of("info", "--json", dump.toString());
        assertEquals(0, r.exitCode(), () -> "info failed: " + r.stderr());
        return r.out();
    }

    @Test
    void x86ElfCoreMatchesVmcoreinfoAndCrash() throws IOException {
        String c = "x86_64-6.1.0-56-amd64/sysrq-elf";
        String j = info(Fixtures.elfCore(c));
        Map<String, String> vi = vmcoreinfo(c);
        assertEquals("elf", json(j, "format"));
        assertEquals("x86_64", json(j, "arch"));
        assertEquals(vi.get("OSRELEASE"), json(j, "release"));
        assertEquals(crashField(c, "RELEASE"), json(j, "release"));
        assertEquals(crashField(c, "VERSION"), json(j, "version"));
        assertEquals(vi.get("BUILD-ID"), json(j, "build_id"));
        assertEquals(vi.get("CRASHTIME"), json(j, "crash_time"));
        assertEquals(crashField(c, "CPUS"), json(j, "cpus"));
        assertEquals(vi.get("PAGESIZE"), json(j, "page_size"));
        assertEquals("false", json(j, "incomplete"));
        assertEquals("null", json(j, "dump_level"));
        assertEquals("none", json(j, "compression"));
    }

    @Test
    void flattenedKdumpReportsCodecLevelAndKernel() throws IOException {
        String c = "x86_64-6.1.0-56-amd64/sysrq-flat";
        String j = info(Fixtures.dir(c).resolve("vmcore.flat"));
        assertEquals("kdump-compressed", json(j, "format"));
        assertEquals("true", json(j, "flattened"));
        assertEquals("6", json(j, "header_version"));
        assertEquals("zlib", json(j, "compression"));
        assertEquals("31", json(j, "dump_level"));
        assertEquals("x86_64", json(j, "arch"));
        assertEquals(crashField(c, "RELEASE"), json(j, "release"));
        assertEquals(crashField(c, "VERSION"), json(j, "version"));
        assertEquals(crashDate(c), Long.parseLong(json(j, "crash_time")));
        assertEquals(crashField(c, "CPUS"), json(j, "cpus"));
        assertTrue(Long.parseLong(json(j, "pages_excluded")) > 0, "level 31 excludes pages");
    }

    @Test
    void arm64KdumpIsRecognisedFromAnX86Host() throws IOException {
        String c = "arm64-6.1.0-56-arm64/sysrq";
        String j = info(Fixtures.dir(c).resolve("vmcore.kdump"));
        Map<String, String> vi = vmcoreinfo(c);
        assertEquals("aarch64", json(j, "arch"));
        assertEquals(vi.get("OSRELEASE"), json(j, "release"));
        assertEquals(vi.get("BUILD-ID"), json(j, "build_id"));
        assertEquals(vi.get("CRASHTIME"), json(j, "crash_time"));
        assertEquals("1", json(j, "cpus"));
        assertEquals("31", json(j, "dump_level"));
    }

    @Test
    void textFormNamesTheKernelAndTheCrashTime() throws IOException {
        String c = "x86_64-6.12.117+deb12-amd64/sysrq-elf";
        CliRun r = CliRun.of("info", Fixtures.elfCore(c).toString());
        assertEquals(0, r.exitCode(), r.stderr());
        Map<String, String> vi = vmcoreinfo(c);
        assertTrue(r.out().contains(vi.get("OSRELEASE")), r.out());
        assertTrue(r.out().contains(java.time.Instant.ofEpochSecond(Long.parseLong(vi.get("CRASHTIME"))).toString()), r.out());
    }
}
