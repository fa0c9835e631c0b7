package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsFreshnessTest {
    @TempDir
    Path dir;

    private Path file(String name, long seconds) throws IOException {
        Path p = Files.writeString(dir.resolve(name), name);
        Files.setLastModifiedTime(p, FileTime.fromMillis(seconds * 1000));
        return p;
    }

    @Test
    void anInputNewerThanTheInitramfsNamesItself() throws IOException {
        Path initrd = file("initrd.img", 2000);
        Path conf = file("kdump4j.conf", 1000);
        Path jar = file("kdump4j-cli.jar", 1500);
        Files.createDirectories(dir.resolve("modules"));
        List<Path> in = InitramfsFreshness.inputs(conf, List.of(jar), dir.resolve("modules"));
        assertEquals(Optional.empty(), InitramfsFreshness.staleBecause(initrd, in), "older inputs, a missing modules.dep");
        Files.setLastModifiedTime(conf, FileTime.fromMillis(3000_000));
        assertEquals(Optional.of(conf + " is newer than " + initrd), InitramfsFreshness.staleBecause(initrd, in));
        Files.setLastModifiedTime(conf, FileTime.fromMillis(1000));
        Path dep = file("modules/modules.dep", 2500);
        assertTrue(InitramfsFreshness.staleBecause(initrd, in).orElseThrow().startsWith(dep.toString()));
    }

    @Test
    void aMissingInitramfsIsStale() throws IOException {
        assertTrue(InitramfsFreshness.staleBecause(dir.resolve("none"), List.of()).orElseThrow().contains("does not exist"));
    }
}
