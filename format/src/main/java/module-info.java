/**
 * Dump containers and the bytes beneath them: the mapped-input primitive, ELF cores,
 * kdump-compressed and flattened files, page codecs. Knows nothing of kernels.
 */
module io.kdump4j.format {
    requires aircompressor.v3;

    exports io.kdump4j.format;
    exports io.kdump4j.format.io;
    exports io.kdump4j.format.mem;
    exports io.kdump4j.format.elf;
    exports io.kdump4j.format.kdump;
    exports io.kdump4j.format.note;
    exports io.kdump4j.format.codec;
}
