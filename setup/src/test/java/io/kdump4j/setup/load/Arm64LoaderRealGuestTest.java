package io.kdump4j.setup.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdump4j.setup.check.HostFiles;
import io.kdump4j.setup.elfcore.CoreSegment;
import io.kdump4j.setup.kexec.KexecSegment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner on facts copied off a real 2-CPU arm64 guest (resources arm64-virt-smp2, see its
 * README), checked against what that guest's capture kernel made of the plan: the capture
 * kernel's /proc/vmcore program headers (readelf) and its "Reserving ... for elfcorehdr" line.
 */
class Arm64LoaderRealGuestTest {
    static final Path RES = Path.of("src/test/resources/io/kdump4j/setup/load/arm64-virt-smp2");

    @Test
    void planMatchesWhatTheCaptureKernelSaw(@TempDir Path tmp) throws IOException {
        Path root = tmp.resolve("root");
        try (Stream<Path> files = Files.walk(RES.resolve("root"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = RES.resolve("root").relativize(f).toString();
                Path out = root.resolve(rel.endsWith(".gz") ? rel.substring(0, rel.length() - 3) : rel);
                Files.createDirectories(out.getParent());
                if (rel.endsWith(".gz")) {
                    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
                        Files.write(out, in.readAllBytes());
                    }
                } else {
                    Files.copy(f, out);
                }
            }
        }
        // The real kernel's header; the body does not matter to the plan, only its size does.
        byte[] image = new byte[32956352];
        System.arraycopy(Files.readAllBytes(RES.resolve("Image.head")), 0, image, 0, 64);
        Path kernel = tmp.resolve("Image");
        Files.write(kernel, image);
        Path initrd = tmp.resolve("initrd.img");
        Files.write(initrd, new byte[1774171]);

        String cmdline = CaptureLoader.commandLine(new HostFiles(root), "aarch64", List.of());
        Arm64CapturePlan plan = Arm64Loader.plan(new HostFiles(root), kernel, initrd, cmdline, null);

        String console = Files.readString(RES.resolve("capture-console.txt"));
        // The recording predates rootfstype=ramfs in the capture command line (CaptureCommandLine).
        String recorded = cmdline.replace(" rootfstype=ramfs", "");
        assertTrue(console.contains("Kernel command line: " + recorded), "the capture kernel got our bootargs: " + cmdline);
        KexecSegment hdr = plan.segments().getLast();
        assertTrue(console.contains("memory at 0x%x for elfcorehdr".formatted(hdr.mem())), console);

        List<long[]> loads = readelfLoads(Files.readString(RES.resolve("vmcore.readelf.txt")));
        List<CoreSegment> ours = plan.core().stream().filter(c -> c.type() == CoreSegment.PT_LOAD).toList();
        assertEquals(loads.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertEquals(loads.get(i)[0], ours.get(i).vaddr(), "vaddr of PT_LOAD " + i);
            assertEquals(loads.get(i)[1], ours.get(i).paddr(), "paddr of PT_LOAD " + i);
            assertEquals(loads.get(i)[2], ours.get(i).size(), "size of PT_LOAD " + i);
        }
        assertEquals(3, plan.core().stream().filter(c -> c.type() == CoreSegment.PT_NOTE).count(), "2 CPUs + VMCOREINFO");
    }

    /** LOAD lines of {@code readelf -l}: vaddr, paddr, memsz. */
    static List<long[]> readelfLoads(String text) {
        Matcher m = Pattern.compile("LOAD\\s+0x\\p{XDigit}+\\s+0x(\\p{XDigit}+)\\s+0x(\\p{XDigit}+)\\s+"
                + "0x\\p{XDigit}+\\s+0x(\\p{XDigit}+)").matcher(text);
        List<long[]> out = new ArrayList<>();
        while (m.find()) {
            out.add(new long[] {Long.parseUnsignedLong(m.group(1), 16), Long.parseUnsignedLong(m.group(2), 16),
                Long.parseUnsignedLong(m.group(3), 16)});
        }
        return out;
    }
}
