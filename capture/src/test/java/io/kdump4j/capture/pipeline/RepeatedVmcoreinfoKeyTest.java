package io.kdump4j.capture.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdump4j.capture.SaveOptions;
import io.kdump4j.format.DumpFile;
import io.kdump4j.format.Dumps;
import io.kdump4j.format.io.ArrayByteSource;
import io.kdump4j.kernel.Vmcoreinfo;
import io.kdump4j.testkit.ElfCoreWriter;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * A VMCOREINFO that repeats keys gives the same answer to the saver as to the kernel layer and
 * the format readers: the later line. Before the one parser, {@code SourceFacts} took the first
 * {@code CRASHTIME}, {@code OSRELEASE} and {@code NUMBER(phys_base)} while {@code Vmcoreinfo}
 * took the last, so a saved dump's timestamp, utsname and phys_base disagreed with what
 * {@code info} read from the same source; this test failed then.
 */
class RepeatedVmcoreinfoKeyTest {
    static final String REPEATED = "OSRELEASE=6.1.0-old\nPAGESIZE=4096\nNUMBER(phys_base)=4096\nCRASHTIME=100\n"
            + "OSRELEASE=6.1.0-new\nNUMBER(phys_base)=8192\nCRASHTIME=200\n";

    @Test
    void saverKernelAndFormatAgree() throws IOException {
        byte[] core = new ElfCoreWriter().vmcoreinfo(REPEATED).load(0, new byte[8192], 8192).build();
        try (DumpFile d = Dumps.open(new ArrayByteSource("core", core))) {
            Vmcoreinfo kernel = Vmcoreinfo.parse(d.name(), d.notes().getFirst());
            // No kernel view (this synthetic core has no page tables): the saver's own fallbacks.
            SourceFacts facts = SourceFacts.of(d, null, SaveOptions.defaults());

            assertEquals(Optional.of("6.1.0-new"), kernel.osrelease());
            assertEquals(Optional.of("6.1.0-new"), d.vmcoreinfoText().text("OSRELEASE"));
            assertEquals("6.1.0-new", facts.utsname().release());

            assertEquals(OptionalLong.of(200), kernel.crashTime());
            assertEquals(Instant.ofEpochSecond(200), facts.timestamp());

            assertEquals(OptionalLong.of(8192), kernel.number("phys_base"));
            assertEquals(8192, facts.physBase());
        }
    }
}
