package io.kdump4j.format;

import java.util.List;
import java.util.OptionalInt;

/**
 * What a container's own headers say about a dump, before any kernel knowledge is applied.
 *
 * @param format the container kind
 * @param flattened whether the file is makedumpfile's flattened stream around {@code format}
 * @param headerVersion the kdump header version (1-6), or 0 for ELF
 * @param compression the codecs that pages of this dump use ("zlib", "lzo", "snappy", "zstd"),
 *     from the header's status flags; empty when pages are raw
 * @param dumpLevel the makedumpfile dump level recorded in the dump, when it records one
 * @param incomplete whether the writer marked the dump incomplete (ENOSPC, -L, failed read)
 * @param machine the machine the dump says it comes from: ELF e_machine name or kdump utsname
 *     machine; null when the container does not say (QEMU writes "Unknown")
 * @param utsname the six utsname strings of a kdump header (empty for ELF)
 * @param timestampSeconds the kdump header's timestamp, 0 when absent
 * @param nrCpus CPUs the header records, 0 when it does not
 * @param split whether this file is one part of a split dump set
 * @param notes the container-specific facts worth printing ("block_size=65536 on a 4096-byte-page guest")
 */
public record DumpDetails(
        DumpFormat format,
        boolean flattened,
        int headerVersion,
        List<String> compression,
        OptionalInt dumpLevel,
        boolean incomplete,
        String machine,
        List<String> utsname,
        long timestampSeconds,
        int nrCpus,
        boolean split,
        List<String> notes) {
}
