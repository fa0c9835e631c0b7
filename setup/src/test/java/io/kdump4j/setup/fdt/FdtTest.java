package io.kdump4j.setup.fdt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.testkit.Fuzz;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our FDT reader and writer against the real thing: QEMU's virt machine tree (dumped by
 * {@code qemu-system-aarch64 -M virt,dumpdtb=}, the tree the arm64 e2e guest boots with) and dtc
 * as the independent reader of what we write.
 */
class FdtTest {
    @TempDir
    static Path tmp;
    static Path virtDtb;

    @BeforeAll
    static void dumpVirtDtb() throws Exception {
        assumeTrue(onPath("qemu-system-aarch64") && onPath("dtc"),
                "needs qemu-system-arm and device-tree-compiler (scripts/setup-e2e.sh installs them)");
        virtDtb = tmp.resolve("virt.dtb");
        run(List.of("qemu-system-aarch64", "-M", "virt,dumpdtb=" + virtDtb, "-cpu", "cortex-a57", "-m", "512M",
                "-display", "none"));
    }

    @Test
    void readsQemuVirtTreeAsDtcDoes() throws Exception {
        DeviceTree t = FdtReader.read(virtDtb);
        assertEquals(2, t.addressCells());
        assertEquals(2, t.sizeCells());
        FdtNode mem = t.root().childrenNamed("memory").getFirst();
        byte[] reg = mem.property("reg").orElseThrow();
        // dtc's rendering of the same blob is the reference for every value we read.
        String dts = dts(virtDtb);
        String regText = "reg = <0x%02x 0x%x 0x%02x 0x%x>;".formatted(FdtValues.cell(reg, 0), FdtValues.cell(reg, 1),
                FdtValues.cell(reg, 2), FdtValues.cell(reg, 3));
        assertTrue(dts.contains(regText), regText + " not in dtc's output");
        assertEquals(512L << 20, FdtValues.number(reg, 2, 2), "-m 512M");
        assertTrue(dts.contains("model = \"" + t.root().string("model").orElseThrow() + "\";"));
        assertEquals(countNodes(t.root()), dts.lines().filter(l -> l.strip().endsWith("{")).count());
    }

    @Test
    void ourBlobOfTheVirtTreeDecompilesLikeTheOriginal() throws Exception {
        DeviceTree t = FdtReader.read(virtDtb);
        Path ours = tmp.resolve("ours.dtb");
        Files.write(ours, FdtWriter.write(t));
        assertEquals(dts(virtDtb), dts(ours));
        // And our reader on our writer is a fixed point.
        byte[] once = Files.readAllBytes(ours);
        assertArrayEquals(once, FdtWriter.write(FdtReader.read("ours", once)));
        assertTrue(once.length < Files.size(virtDtb), "QEMU pads its blob to 1 MiB; ours is packed");
    }

    @Test
    void captureChosenAsDtcReadsIt() throws Exception {
        DeviceTree t = FdtReader.read(virtDtb);
        CaptureDeviceTree.apply(t, new CaptureDeviceTree.Params("console=ttyAMA0 maxcpus=1 reset_devices cma=0",
                0x5b000000L, 0x2a6000L, 0x5b5ff000L, 0x400L, 0x53600000L, 128L << 20));
        Path p = tmp.resolve("capture.dtb");
        Files.write(p, FdtWriter.write(t));
        String dts = dts(p);
        assertTrue(dts.contains("bootargs = \"console=ttyAMA0 maxcpus=1 reset_devices cma=0\";"), dts);
        assertTrue(dts.contains("linux,elfcorehdr = <0x00 0x5b5ff000 0x00 0x400>;"), dts);
        assertTrue(dts.contains("linux,usable-memory-range = <0x00 0x53600000 0x00 0x8000000>;"), dts);
        assertTrue(dts.contains("linux,initrd-start = <0x00 0x5b000000>;"), dts);
        assertTrue(dts.contains("linux,initrd-end = <0x00 0x5b2a6000>;"), dts);
    }

    @Test
    void dtcCompiledTreeWithReservationsReadsBack() throws Exception {
        Path src = tmp.resolve("r.dts");
        Files.writeString(src, """
                /dts-v1/;
                /memreserve/ 0x48000000 0x1000;
                / { #address-cells = <1>; #size-cells = <1>; compatible = "a\\0b";
                    chosen { bootargs = "x"; linux,elfcorehdr = <0x1000 0x400>; }; e { }; };
                """);
        Path blob = tmp.resolve("r.dtb");
        run(List.of("dtc", "-q", "-I", "dts", "-O", "dtb", "-o", blob.toString(), src.toString()));
        DeviceTree t = FdtReader.read(blob);
        assertEquals(List.of(new DeviceTree.Reservation(0x48000000L, 0x1000)), t.reservations());
        assertEquals(1, t.addressCells());
        CaptureDeviceTree.apply(t, new CaptureDeviceTree.Params("y", 0, 0, 0x2000, 0x800, 0x3000, 0x1000));
        Path out = tmp.resolve("r2.dtb");
        Files.write(out, FdtWriter.write(t));
        String dts = dts(out);
        assertTrue(dts.contains("/memreserve/\t0x0000000048000000 0x0000000000001000;"), dts);
        assertTrue(dts.contains("linux,elfcorehdr = <0x2000 0x800>;"), dts);
        assertTrue(dts.contains("linux,usable-memory-range = <0x3000 0x1000>;"), dts);
        assertThrows(IllegalArgumentException.class, () -> CaptureDeviceTree.apply(t,
                new CaptureDeviceTree.Params("y", 0, 0, 1L << 32, 0x800, 0x3000, 0x1000)),
                "a 1-cell root cannot name memory above 4 GiB");
    }

    @Test
    void badHeadersNameTheField() throws Exception {
        byte[] good = FdtWriter.write(FdtReader.read(virtDtb));
        byte[] magic = good.clone();
        magic[0] = 0;
        var e = assertThrows(DumpFormatException.class, () -> FdtReader.read("m", magic));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("0xd00dfeed"), e.getMessage());

        var t = assertThrows(DumpFormatException.class, () -> FdtReader.read("t", java.util.Arrays.copyOf(good, 100)));
        assertTrue(t.getMessage().contains("totalsize"), t.getMessage());

        byte[] strings = good.clone();
        ByteBuffer.wrap(strings).putInt(12, Integer.MAX_VALUE);
        var s = assertThrows(DumpFormatException.class, () -> FdtReader.read("s", strings));
        assertEquals(12, s.offset());

        byte[] version = good.clone();
        ByteBuffer.wrap(version).putInt(20, 15);
        assertTrue(assertThrows(DumpFormatException.class, () -> FdtReader.read("v", version)).getMessage()
                .contains("versions 16 and 17"));
    }

    @Test
    void deepNestingIsRefused() throws Exception {
        FdtNode root = new FdtNode("");
        FdtNode n = root;
        for (int i = 0; i < FdtReader.MAX_DEPTH + 1; i++) {
            n = n.add(new FdtNode("n" + i));
        }
        byte[] blob = FdtWriter.write(new DeviceTree(List.of(), 0, root));
        assertTrue(assertThrows(DumpFormatException.class, () -> FdtReader.read("deep", blob)).getMessage()
                .contains("deeper"));
    }

    @Test
    void corruptedBlobsGiveFormatErrorsOnly() throws Exception {
        byte[] good = FdtWriter.write(FdtReader.read(virtDtb));
        Fuzz.check("fdt corruption", 2000, r -> {
            byte[] b = good.clone();
            int flips = 1 + r.nextInt(8);
            for (int i = 0; i < flips; i++) {
                // Half the flips hit the header, where the offsets are.
                int at = r.nextBoolean() ? r.nextInt(40) : r.nextInt(b.length);
                b[at] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            try {
                FdtReader.read("fuzz", b);
            } catch (DumpFormatException expected) {
                assertEquals("fuzz", expected.source());
            }
        });
    }

    private static long countNodes(FdtNode n) {
        return 1 + n.children().stream().mapToLong(FdtTest::countNodes).sum();
    }

    private static String dts(Path blob) throws Exception {
        return run(List.of("dtc", "-q", "-I", "dtb", "-O", "dts", blob.toString()));
    }

    static boolean onPath(String tool) {
        for (String d : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command; stdout only (dtc warns on stderr). */
    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed: " + out);
        }
        return out;
    }
}
