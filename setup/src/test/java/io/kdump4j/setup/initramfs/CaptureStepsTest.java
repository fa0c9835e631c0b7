package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capture's steps ({@code capture.sh}, what /init sources) run by the real busybox sh on
 * this machine, on a scratch directory: dated dump directories that are never reused,
 * rotation that only removes the oldest and never the new dump, the watchdog that kills a
 * stuck saver, the raw fallback cut to the free space, the status file.
 */
class CaptureStepsTest {
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    @TempDir
    Path tmp;
    private Path steps;

    @BeforeEach
    void steps() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(BUSYBOX), "busybox-static is not installed (scripts/setup-e2e.sh)");
        steps = Files.writeString(tmp.resolve("capture.sh"), InitScript.steps());
    }

    record Run(int rc, String out, double seconds) {
    }

    /** Runs {@code script} in busybox sh with the steps sourced and a {@code say} that prints. */
    private Run sh(String script) throws IOException, InterruptedException {
        String full = "say() { echo \"KDUMP4J $*\"; }\n. " + steps + "\n" + script + "\n";
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(BUSYBOX.toString(), "sh", "-c", full).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script did not end: " + out);
        return new Run(p.exitValue(), out, (System.nanoTime() - t0) / 1e9);
    }

    private List<String> dirs(Path root) throws IOException {
        try (var s = Files.list(root)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void dumpDirectoriesAreDatedAndNeverReused() throws Exception {
        Path root = tmp.resolve("crash");
        Run r = sh("a=$(new_dump_dir " + root + ") && b=$(new_dump_dir " + root + ") && c=$(new_dump_dir " + root
                + ") && echo \"$a $b $c\"");
        assertEquals(0, r.rc(), r.out());
        List<String> names = dirs(root);
        assertEquals(3, names.size(), names.toString());
        for (String n : names) {
            assertTrue(n.matches("\\d{8}-\\d{6}(-\\d+)?"), n);
        }
        assertEquals(3, r.out().strip().split(" ").length, r.out());
    }

    @Test
    void rotationRemovesOnlyTheOldestAndNeverTheNewDump() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("crash"));
        for (String n : List.of("20250101-000000", "20250102-000000", "20250103-000000", "20250103-000000-2")) {
            Files.writeString(Files.createDirectories(root.resolve(n)).resolve("vmcore"), n);
        }
        Files.createDirectories(root.resolve("lost+found"));
        Run r = sh("new=$(new_dump_dir " + root + ") && KEEP=2 rotate " + root + " \"$new\" && basename \"$new\"");
        assertEquals(0, r.rc(), r.out());
        String newest = r.out().lines().reduce((a, b) -> b).orElseThrow();
        assertEquals(List.of("20250103-000000-2", newest, "lost+found"), dirs(root), r.out());
        assertTrue(r.out().contains("rotate-removed dir=" + root + "/20250101-000000"), r.out());

        // A free-space floor no disk meets removes every other dump, never the new one.
        r = sh("MIN_FREE=1099511627776 rotate " + root + " " + root.resolve(newest));
        assertEquals(List.of(newest, "lost+found"), dirs(root), r.out());
        // KEEP=0 and no floor: nothing goes.
        r = sh("new=$(new_dump_dir " + root + ") && rotate " + root + " \"$new\"");
        assertEquals(3, dirs(root).size(), r.out());
    }

    @Test
    void theWatchdogKillsASaverWhoseDumpStopsGrowing() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("d"));
        Run r = sh("WATCH_DIR=" + d + " WATCHDOG=2; run_watched sleep 60; echo rc=$?");
        assertTrue(r.out().contains("rc=124"), r.out());
        assertTrue(r.out().contains("save-watchdog"), r.out());
        assertTrue(r.seconds() < 20, r.seconds() + " s");
        // A saver that keeps writing is left alone; its own exit code comes back.
        r = sh("WATCH_DIR=" + d + " WATCHDOG=2; run_watched sh -c 'for i in 1 2 3 4 5; do echo $i >> " + d
                + "/f; dd if=/dev/zero bs=4k count=$i >> " + d + "/f 2>/dev/null; sleep 1; done; exit 6'; echo rc=$?");
        assertTrue(r.out().contains("rc=6"), r.out());
        // A hard limit ends even a saver that writes.
        r = sh("WATCH_DIR=" + d + " WATCHDOG=0 SAVE_TIMEOUT=2; run_watched sh -c 'while :; do dd if=/dev/zero bs=4k "
                + "count=1 >> " + d + "/g 2>/dev/null; sleep 0.2; done'; echo rc=$?");
        assertTrue(r.out().contains("rc=124"), r.out());
    }

    @Test
    void theFallbackCopyIsCutToTheFreeSpaceAndMarkedIncomplete() throws Exception {
        Path vmcore = tmp.resolve("vmcore");
        byte[] data = new byte[8 << 20];
        for (int i = 0; i < data.length; i += 4096) {
            data[i] = (byte) i;
        }
        Files.write(vmcore, data);
        Path whole = Files.createDirectories(tmp.resolve("whole"));
        Run r = sh("VMCORE_BYTES=" + data.length + " FALLBACK_MARGIN=0 fallback_copy " + vmcore + " " + whole);
        assertEquals(0, r.rc(), r.out());
        assertEquals("vmcore.elf", r.out().strip());
        assertEquals(data.length, Files.size(whole.resolve("vmcore.elf")));

        // Room for about 4 MiB of the 8: the copy stops there and keeps the incomplete name.
        Path cut = Files.createDirectories(tmp.resolve("cut"));
        r = sh("VMCORE_BYTES=" + data.length + " FALLBACK_MARGIN=$(( $(free_mib " + cut + ") - 4 )) fallback_copy "
                + vmcore + " " + cut);
        assertEquals(0, r.rc(), r.out());
        assertEquals("vmcore.elf.incomplete", r.out().strip());
        long size = Files.size(cut.resolve("vmcore.elf.incomplete"));
        assertTrue(size > 0 && size < data.length, size + " bytes");

        // No room at all: nothing written, a failure.
        Path none = Files.createDirectories(tmp.resolve("none"));
        r = sh("VMCORE_BYTES=" + data.length + " FALLBACK_MARGIN=$(( $(free_mib " + none + ") + 100 )) fallback_copy "
                + vmcore + " " + none);
        assertEquals(1, r.rc(), r.out());
        assertTrue(r.out().contains("save-fallback-skipped reason=no-space"), r.out());
        assertEquals(List.of(), dirs(none));
    }

    @Test
    void theStatusFileSaysWhatHappened() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("d"));
        Files.write(d.resolve("vmcore"), new byte[12345]);
        Run r = sh("DUMP_LEVEL=31 CODEC=lzo VMCORE_BYTES=999 write_status " + d + " complete kdump4j vmcore 1.5 "
                + "'a \"quoted\" note'");
        assertEquals(0, r.rc(), r.out());
        String json = Files.readString(d.resolve("status.json"));
        assertTrue(json.contains("\"status\": \"complete\""), json);
        assertTrue(json.contains("\"saver\": \"kdump4j\""), json);
        assertTrue(json.contains("\"dump_level\": 31"), json);
        assertTrue(json.contains("\"codec\": \"lzo\""), json);
        assertTrue(json.contains("\"bytes\": 12345"), json);
        assertTrue(json.contains("\"vmcore_bytes\": 999"), json);
        assertTrue(json.contains("\"note\": \"a quoted note\""), json);
        assertTrue(json.matches("(?s)\\{.*\"finished\": \"\\d{4}-\\d\\d-\\d\\dT[0-9:]+Z\".*}\\s*"), json);
        assertTrue(!Files.exists(d.resolve("status.json.tmp")));
    }

    /**
     * The whole capture on a target ({@code save_into}, mount stubbed, the saver a stub): a saver
     * stuck before writing anything is killed by the watchdog and the raw copy is saved; a
     * complete save rotates; an incomplete one removes nothing.
     */
    @Test
    void aStuckSaverBecomesTheFallbackAndOnlyACompleteSaveRotates() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path crash = Files.createDirectories(mnt.resolve("var/crash"));
        Files.writeString(Files.createDirectories(crash.resolve("20250101-000000")).resolve("vmcore"), "old");
        Path vmcore = Files.write(tmp.resolve("vmcore"), new byte[3 << 20]);
        String env = "mount() { :; }; umount() { :; }; MNT=" + mnt + " VMCORE=" + vmcore + " VMCORE_BYTES=" + (3 << 20)
                + " HAS_JAVA=yes DUMP_LEVEL=31 CODEC=zlib FALLBACK_MARGIN=0 KEEP=1 WATCHDOG=2; ";

        // Stuck before writing anything (the endless ring walk of old): killed, then the raw copy.
        Run r = sh(env + "kdump4j() { exec sleep 30; }; save_into /dev/x /var/crash; echo rc=$?");
        assertTrue(r.out().contains("save-watchdog") && r.out().contains("save-fallback method=dd"), r.out());
        assertTrue(r.out().contains("rc=0"), r.out());
        List<String> dirs = dirs(crash);
        assertEquals(1, dirs.size(), "KEEP=1 after a complete raw copy: " + dirs);
        Path d = crash.resolve(dirs.getFirst());
        assertEquals(3 << 20, Files.size(d.resolve("vmcore.elf")));
        String status = Files.readString(d.resolve("status.json"));
        assertTrue(status.contains("\"saver\": \"dd\"") && status.contains("killed by the watchdog")
                && status.contains("\"status\": \"complete\""), status);

        // A saver that ends incomplete (exit 6, as on a full disk): kept, marked, nothing removed.
        r = sh(env + "kdump4j() { echo partial > \"$7.incomplete\"; return 6; }; save_into /dev/x /var/crash; echo rc=$?");
        assertTrue(r.out().contains("save-incomplete method=kdump4j") && r.out().contains("rc=6"), r.out());
        assertEquals(2, dirs(crash).size(), r.out());
        Path inc = crash.resolve(dirs(crash).getLast());
        assertTrue(Files.readString(inc.resolve("status.json")).contains("\"status\": \"incomplete\""));
        assertTrue(Files.exists(inc.resolve("vmcore.incomplete")));

        // A complete save: the two older dumps go (KEEP=1), the new one stays.
        r = sh(env + "kdump4j() { echo whole > \"$7\"; }; save_into /dev/x /var/crash; echo rc=$?");
        assertTrue(r.out().contains("save-done method=kdump4j") && r.out().contains("rc=0"), r.out());
        List<String> left = dirs(crash);
        assertEquals(1, left.size(), r.out());
        assertEquals("whole\n", Files.readString(crash.resolve(left.getFirst()).resolve("vmcore")));
    }

    /**
     * {@code failure_action = dump_to_rootfs}: the target is not found, so the dump goes to
     * /var/crash on the root file system; with another failure action nothing is saved.
     */
    @Test
    void dumpToRootfsSavesOnTheRootFileSystemWhenTheTargetIsMissing() throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path vmcore = Files.write(tmp.resolve("vmcore"), new byte[1 << 20]);
        // find_target finds only the root file system's device; mount records what it mounts.
        String env = "find_target() { [ \"${1:-$TARGET}\" = UUID=root ] && dev=/dev/root-disk; }; "
                + "mount() { echo \"$1\" >> " + tmp + "/mounted; }; umount() { :; }; MNT=" + mnt + " VMCORE=" + vmcore
                + " VMCORE_BYTES=" + (1 << 20) + " HAS_JAVA=yes DUMP_LEVEL=31 CODEC=zlib FALLBACK_MARGIN=0 "
                + "TARGET=LABEL=dumps DUMP_PATH=/dumps ROOT_TARGET=UUID=root ROOT_PATH=/var/crash; "
                + "kdump4j() { echo whole > \"$7\"; }; ";
        Run r = sh(env + "FAILURE_ACTION=dump_to_rootfs; save_to_targets; echo rc=$?");
        assertTrue(r.out().contains("save-failed reason=no-target target=LABEL=dumps"), r.out());
        assertTrue(r.out().contains("dump-to-rootfs target=UUID=root") && r.out().contains("rc=0"), r.out());
        assertEquals("/dev/root-disk\n", Files.readString(tmp.resolve("mounted")));
        List<String> saved = dirs(mnt.resolve("var/crash"));
        assertEquals(1, saved.size(), r.out());
        assertEquals("whole\n", Files.readString(mnt.resolve("var/crash").resolve(saved.getFirst()).resolve("vmcore")));

        r = sh(env + "FAILURE_ACTION=reboot; save_to_targets; echo rc=$?");
        assertTrue(r.out().contains("rc=1") && !r.out().contains("dump-to-rootfs"), r.out());
        assertEquals(1, dirs(mnt.resolve("var/crash")).size(), "nothing more saved");
    }
}
