package io.kdump4j.setup.initramfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The file system that holds a directory on this machine, as the capture kernel must find it:
 * resolved when the initramfs is built (kdump-tools' and kdumpctl's default target, the file
 * system of /var/crash).
 *
 * <p>From {@code /proc/self/mountinfo}: the mount whose mount point is the longest prefix of
 * the directory (its nearest existing ancestor, symlinks resolved), its device number, type
 * and the directory's path inside that file system (a bind mount's root included). The
 * capture kernel finds the device by {@code UUID=} (from {@code /dev/disk/by-uuid}, else
 * {@code blkid}), else by its device path. The drivers it needs are the file system's
 * module and every driver from the block device up through its parents in sysfs
 * ({@code driver/module}, or the driver's own name when it is built in): virtio_blk and
 * virtio_pci for a virtio disk, nvme, ahci and sd_mod for others. A stacked device
 * (device-mapper, md, loop) is named in the result's notes: its slaves are not followed.
 *
 * @param device   how /init finds the device: {@code UUID=...} or a device path
 * @param fsType   the file system type (ext4, xfs, ...)
 * @param mountPoint where the file system is mounted on this machine
 * @param pathInside the directory's path relative to the file system's root (starts with /)
 * @param modules  kernel modules the capture kernel needs, file system last
 * @param notes    what could not be resolved exactly
 */
public record TargetFilesystem(String device, String fsType, String mountPoint, String pathInside,
                               List<String> modules, List<String> notes) {
    /** Pseudo file systems a dump cannot go to. */
    private static final Set<String> NOT_A_DISK = Set.of("tmpfs", "ramfs", "proc", "sysfs", "devtmpfs", "overlay",
            "squashfs", "nfs", "nfs4", "cifs", "fuse", "9p", "virtiofs");
    /** File systems whose Debian module has another name. */
    private static final Map<String, String> FS_MODULE = Map.of("ext2", "ext4", "ext3", "ext4", "vfat", "vfat",
            "msdos", "msdos");

    public TargetFilesystem {
        modules = List.copyOf(modules);
        notes = List.copyOf(notes);
    }

    /** Resolves {@code dir} on this machine. */
    public static TargetFilesystem resolve(Path dir) throws IOException {
        return resolve(dir, Path.of("/proc/self/mountinfo"), Path.of("/sys"), Path.of("/dev/disk/by-uuid"), true);
    }

    /**
     * Resolves {@code dir} with the given mountinfo, sysfs root and by-uuid directory (tests
     * use copies); {@code blkid}: whether to ask blkid for a UUID by-uuid does not have.
     */
    static TargetFilesystem resolve(Path dir, Path mountinfo, Path sys, Path byUuid, boolean blkid) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        Path real = existing == null ? abs : existing.toRealPath().resolve(existing.relativize(abs));
        String target = real.toString();
        Mount best = null;
        for (String line : Files.readAllLines(mountinfo, StandardCharsets.UTF_8)) {
            Mount m = Mount.parse(line);
            if (m != null && under(target, m.point()) && (best == null || m.point().length() >= best.point().length())) {
                best = m;
            }
        }
        if (best == null) {
            throw new IOException("no mount holds " + dir + " in " + mountinfo);
        }
        if (NOT_A_DISK.contains(best.type()) || best.major() == 0 && !best.source().startsWith("/dev/")) {
            throw new IOException(dir + " is on " + best.type() + " (" + best.source() + ", mounted on " + best.point()
                    + "), not on a disk the capture kernel can mount: set target = to a device, UUID= or LABEL=");
        }
        String rel = best.point().equals("/") ? target : target.substring(best.point().length());
        String inside = join(best.root(), rel.isEmpty() ? "/" : rel);

        List<String> notes = new ArrayList<>();
        Set<String> modules = new LinkedHashSet<>();
        String devName = null;
        Path block = sys.resolve("dev/block/" + best.major() + ":" + best.minor());
        if (Files.exists(block)) {
            Path dev = block.toRealPath();
            devName = dev.getFileName().toString();
            if (Files.isDirectory(dev.resolve("slaves")) && hasEntries(dev.resolve("slaves"))) {
                notes.add(devName + " is stacked on other devices (" + String.join(" ", list(dev.resolve("slaves")))
                        + "): their drivers (dm, md, raid) are not added; list them in modules =");
            }
            List<String> drivers = new ArrayList<>();
            for (Path p = dev; p != null && p.startsWith(sys.toRealPath()); p = p.getParent()) {
                Path driver = p.resolve("driver");
                if (!Files.isSymbolicLink(driver)) {
                    continue;
                }
                Path module = driver.resolve("module");
                String name = Files.isSymbolicLink(module) ? module.toRealPath().getFileName().toString()
                        : driver.toRealPath().getFileName().toString();
                drivers.add(name.replace('-', '_'));
            }
            // Outermost first: the bus driver (virtio_pci) loads before the disk's (virtio_blk).
            for (int i = drivers.size() - 1; i >= 0; i--) {
                modules.add(drivers.get(i));
            }
        } else {
            notes.add("no " + block + ": the block drivers of " + best.source() + " are not known; list them in modules =");
        }
        modules.add(FS_MODULE.getOrDefault(best.type(), best.type()));

        String device = uuid(best, devName, byUuid, blkid, notes);
        return new TargetFilesystem(device, best.type(), best.point(), inside, new ArrayList<>(modules), notes);
    }

    /** {@code UUID=...} of the mount's device, else its device path (noted). */
    private static String uuid(Mount m, String devName, Path byUuid, boolean blkid, List<String> notes)
            throws IOException {
        if (Files.isDirectory(byUuid)) {
            try (var s = Files.list(byUuid)) {
                for (Path link : s.toList()) {
                    Path to = link.toRealPath();
                    if (to.toString().equals(m.source()) || devName != null && to.getFileName().toString().equals(devName)) {
                        return "UUID=" + link.getFileName();
                    }
                }
            }
        }
        String dev = m.source().startsWith("/dev/") && !m.source().equals("/dev/root") ? m.source()
                : devName != null ? "/dev/" + devName : m.source();
        if (blkid) {
            try {
                Process p = new ProcessBuilder("blkid", "-o", "value", "-s", "UUID", dev).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("[0-9A-Fa-f-]{4,64}")) {
                    return "UUID=" + out.toLowerCase(Locale.ROOT);
                }
            } catch (IOException e) {
                // no blkid: the device path below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        notes.add("no UUID found for " + dev + ": the capture kernel looks for the device path, which may change "
                + "between boots; set target = UUID=... or LABEL=...");
        return dev;
    }

    private static boolean under(String path, String point) {
        return point.equals("/") || path.equals(point) || path.startsWith(point + "/");
    }

    private static String join(String root, String rel) {
        if (root.equals("/")) {
            return rel;
        }
        return rel.equals("/") ? root : root + rel;
    }

    private static boolean hasEntries(Path dir) throws IOException {
        return !list(dir).isEmpty();
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /** One line of mountinfo: {@code id parent major:minor root point options [optional...] - type source super}. */
    record Mount(int major, int minor, String root, String point, String type, String source) {
        static Mount parse(String line) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 7 || dash < 0 || dash + 2 >= f.length) {
                return null;
            }
            String[] mm = f[2].split(":");
            try {
                return new Mount(Integer.parseInt(mm[0]), Integer.parseInt(mm[1]), unescape(f[3]), unescape(f[4]),
                        f[dash + 1], unescape(f[dash + 2]));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                return null;
            }
        }

        /** mountinfo writes space, tab, newline and backslash as octal escapes ({@code \040}). */
        static String unescape(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }
}
