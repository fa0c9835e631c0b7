package io.kdump4j.setup.initramfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.testkit.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which file system holds /var/crash: on this machine, against util-linux's findmnt; on a
 * copied sysfs tree of a virtio disk behind PCI, with a separate /var and a bind mount.
 */
class TargetFilesystemTest {
    @Test
    void agreesWithFindmntOnThisMachine() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/findmnt")), "util-linux findmnt is not installed");
        TargetFilesystem t;
        try {
            t = TargetFilesystem.resolve(Path.of("/var/crash"));
        } catch (IOException e) {
            // A container whose / is an overlay: the refusal must say what to do.
            assertTrue(e.getMessage().contains("set target ="), e.getMessage());
            return;
        }
        // findmnt -T wants an existing path: /var/crash itself may not exist yet.
        String existing = Files.exists(Path.of("/var/crash")) ? "/var/crash" : "/var";
        String[] f = Fixtures.run(List.of("findmnt", "-n", "-o", "TARGET,FSTYPE,SOURCE", "-T", existing))
                .strip().split("\\s+");
        assertEquals(f[0], t.mountPoint());
        assertEquals(f[1], t.fsType());
        String uuid = Fixtures.run(List.of("findmnt", "-n", "-o", "UUID", "-T", existing)).strip();
        assertEquals(uuid.isEmpty() ? f[2] : "UUID=" + uuid, t.device());
        assertTrue(t.modules().getLast().equals(t.fsType()) || t.fsType().startsWith("ext"), t.modules().toString());
        assertTrue(t.pathInside().endsWith("/crash"), t.pathInside());
    }

    @Test
    void aVirtioDiskBehindPciWithASeparateVar(@TempDir Path tmp) throws IOException {
        Path sys = tmp.resolve("sys");
        Path pci = Files.createDirectories(sys.resolve("devices/pci0000:00/0000:00:04.0"));
        Path virtio = Files.createDirectories(pci.resolve("virtio2"));
        Path part = Files.createDirectories(virtio.resolve("block/vdb/vdb1"));
        Path drivers = Files.createDirectories(sys.resolve("bus/virtio/drivers/virtio_blk"));
        Path pciDriver = Files.createDirectories(sys.resolve("bus/pci/drivers/virtio-pci"));
        Path mods = Files.createDirectories(sys.resolve("module"));
        Files.createDirectories(mods.resolve("virtio_blk"));
        Files.createDirectories(mods.resolve("virtio_pci"));
        Files.createSymbolicLink(drivers.resolve("module"), mods.resolve("virtio_blk"));
        Files.createSymbolicLink(pciDriver.resolve("module"), mods.resolve("virtio_pci"));
        Files.createSymbolicLink(virtio.resolve("driver"), drivers);
        Files.createSymbolicLink(pci.resolve("driver"), pciDriver);
        Files.createDirectories(sys.resolve("dev/block"));
        Files.createSymbolicLink(sys.resolve("dev/block/254:17"), part);
        Path byUuid = Files.createDirectories(tmp.resolve("by-uuid"));
        Path dev = Files.createFile(tmp.resolve("vdb1"));
        Files.createSymbolicLink(byUuid.resolve("0b7e-cafe"), dev);
        Path var = Files.createDirectories(tmp.resolve("root/var"));
        Path mountinfo = Files.writeString(tmp.resolve("mountinfo"), """
                27 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw
                30 27 254:17 /sysvar %s rw,relatime shared:5 - xfs %s rw
                31 27 0:40 / /run rw - tmpfs tmpfs rw
                """.formatted(var, dev));

        TargetFilesystem t = TargetFilesystem.resolve(var.resolve("crash"), mountinfo, sys, byUuid, false);
        assertEquals("UUID=0b7e-cafe", t.device());
        assertEquals("xfs", t.fsType());
        assertEquals(var.toString(), t.mountPoint());
        // The bind mount's root (/sysvar) comes first: the capture kernel mounts the whole file system.
        assertEquals("/sysvar/crash", t.pathInside());
        assertEquals(List.of("virtio_pci", "virtio_blk", "xfs"), t.modules());
        assertEquals(List.of(), t.notes());

        Path run = Files.createDirectories(tmp.resolve("run"));
        Path mi2 = Files.writeString(tmp.resolve("mountinfo2"), "31 1 0:40 / " + run + " rw - tmpfs tmpfs rw\n");
        IOException e = assertThrows(IOException.class, () -> TargetFilesystem.resolve(run, mi2, sys, byUuid, false));
        assertTrue(e.getMessage().contains("tmpfs") && e.getMessage().contains("set target ="), e.getMessage());
    }
}
