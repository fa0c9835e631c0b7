package io.kdump4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** enable, disable and test through the command line, on fake roots where nothing real can happen. */
class EnableTestCommandsTest {
    @TempDir
    Path root;

    private String stderr(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        System.setErr(new PrintStream(b, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void enableWithNoEditableBootLoaderSaysSoAndDoesNothing() throws IOException {
        Files.createDirectories(root.resolve("lib/modules/6.1.0-56-amd64"));
        Files.createDirectories(root.resolve("boot"));
        Files.writeString(root.resolve("boot/vmlinuz-6.1.0-56-amd64"), "k");
        int[] rc = new int[1];
        String err = stderr(() -> rc[0] = Main.run("enable", "--root", root.toString(), "--crashkernel", "256M"));
        assertEquals(ExitCodes.IO, rc[0]);
        assertTrue(err.contains("firmware or the hypervisor"), err);
        assertFalse(Files.exists(root.resolve("var/lib/kdump4j")));
    }

    @Test
    void disableWhenNotEnabledIsANoOp() {
        assertEquals(ExitCodes.OK, Main.run("disable", "--root", root.toString()));
    }

    @Test
    void testRefusesWhenCheckIsNotReadyAndTriggersNothing() throws IOException {
        Files.createDirectories(root.resolve("proc/sys/kernel"));
        Files.writeString(root.resolve("proc/sys/kernel/osrelease"), "6.1.0-56-amd64\n");
        Files.writeString(root.resolve("proc/cmdline"), "root=/dev/vda ro\n");
        int[] rc = new int[1];
        String err = stderr(() -> rc[0] = Main.run("test", "--yes", "--root", root.toString(),
                "--config", root.resolve("none.conf").toString()));
        assertEquals(ExitCodes.USAGE, rc[0]);
        assertTrue(err.contains("not ready"), err);
        assertFalse(Files.exists(root.resolve("proc/sysrq-trigger")), "no crash was triggered");
    }
}
