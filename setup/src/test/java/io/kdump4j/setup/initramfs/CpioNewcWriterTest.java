package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our archives re-read by GNU cpio (the Debian {@code cpio} package), listed and extracted. */
class CpioNewcWriterTest {
    static byte[] sample(Compression c) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream z = c.wrap(bytes); CpioNewcWriter w = new CpioNewcWriter(z, 0)) {
            w.directory("dev", 0755);
            w.charDevice("dev/console", 0600, 5, 1);
            w.charDevice("dev/null", 0666, 1, 3);
            w.directory("bin", 0755);
            w.file("bin/hello", 0755, "#!/bin/sh\necho hi\n".getBytes(StandardCharsets.US_ASCII));
            w.file("empty", 0644, new byte[0]);
            w.file("a", 0600, new byte[] {1});
            w.file("abc", 0600, new byte[] {1, 2, 3});
            w.symlink("bin/sh", "busybox");
            w.directory("a-longer-directory-name-with-odd-length", 0700);
        }
        return bytes.toByteArray();
    }

    static void requireCpio() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/cpio")),
                "GNU cpio is not installed: run scripts/setup-e2e.sh (apt-get install cpio)");
    }

    @Test
    void listedByGnuCpio(@TempDir Path tmp) throws IOException {
        requireCpio();
        Path f = tmp.resolve("a.cpio");
        Files.write(f, sample(Compression.NONE));
        String list = Fixtures.run(List.of("sh", "-c", "cpio -t --quiet < " + f));
        assertEquals(List.of("dev", "dev/console", "dev/null", "bin", "bin/hello", "empty", "a", "abc", "bin/sh",
                "a-longer-directory-name-with-odd-length"), list.lines().toList());
        String verbose = Fixtures.run(List.of("sh", "-c", "cpio -tv --quiet < " + f));
        assertTrue(verbose.lines().anyMatch(l -> l.startsWith("crw-------") && l.contains("5,") && l.endsWith("dev/console")), verbose);
        assertTrue(verbose.lines().anyMatch(l -> l.startsWith("crw-rw-rw-") && l.contains("1,") && l.endsWith("dev/null")), verbose);
        assertTrue(verbose.lines().anyMatch(l -> l.startsWith("lrwxrwxrwx") && l.endsWith("bin/sh -> busybox")), verbose);
    }

    @Test
    void extractedByGnuCpio(@TempDir Path tmp) throws IOException {
        requireCpio();
        for (Compression c : Compression.values()) {
            Path f = tmp.resolve("a.cpio" + c.suffix());
            Files.write(f, sample(c));
            Path out = Files.createDirectories(tmp.resolve("x-" + c));
            String decompress = switch (c) {
                case NONE -> "cat";
                case GZIP -> "gzip -dc";
                case ZSTD -> "zstd -dcq";
            };
            Fixtures.run(List.of("sh", "-c", "cd " + out + " && " + decompress + " < " + f
                    + " | cpio -i -d --quiet --no-absolute-filenames"));
            assertEquals("#!/bin/sh\necho hi\n", Files.readString(out.resolve("bin/hello")), c.toString());
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("bin/hello"))));
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(out.resolve("abc")));
            assertEquals(0, Files.size(out.resolve("empty")));
            assertEquals(Path.of("busybox"), Files.readSymbolicLink(out.resolve("bin/sh")));
            assertTrue(Files.isDirectory(out.resolve("a-longer-directory-name-with-odd-length"), LinkOption.NOFOLLOW_LINKS));
            if (isRoot()) {
                // mknod needs root; the archive itself did not.
                Object rdev = Files.getAttribute(out.resolve("dev/console"), "unix:rdev");
                assertEquals((5L << 8) | 1, ((Number) rdev).longValue());
            }
        }
    }

    @Test
    void sameInputsSameBytes() throws IOException {
        for (Compression c : Compression.values()) {
            assertArrayEquals(sample(c), sample(c), c.toString());
        }
    }

    /** Field layout: header 110 bytes, name padded so data starts on 4, trailer last. */
    @Test
    void layout() throws IOException {
        byte[] b = sample(Compression.NONE);
        String head = new String(b, 0, 110, StandardCharsets.US_ASCII);
        assertEquals("070701" + "00000001" + "000041ED", head.substring(0, 22));
        assertEquals(0, b.length % 4);
        String all = new String(b, StandardCharsets.ISO_8859_1);
        assertTrue(all.contains("TRAILER!!!\0"));
        assertEquals(all.lastIndexOf("070701"), all.lastIndexOf("TRAILER!!!") - 110);
    }

    @Test
    void refusesBadNames() {
        CpioNewcWriter w = new CpioNewcWriter(OutputStream.nullOutputStream(), 0);
        assertThrows(IllegalArgumentException.class, () -> w.file("../etc/passwd", 0644, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.file("a/../../b", 0644, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.file("TRAILER!!!", 0644, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.directory("/", 0755));
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
