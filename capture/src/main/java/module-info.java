/**
 * The write path of kdump4j ("kdump4j save"): reads a dump through {@link io.kdump4j.format.DumpFile},
 * filters pages by dump level, compresses them in parallel and writes a kdump-compressed,
 * flattened or ELF dump, safely (write to TARGET.incomplete, fsync, rename).
 */
module io.kdump4j.capture {
    requires transitive io.kdump4j.format;
    requires transitive io.kdump4j.kernel;

    exports io.kdump4j.capture;
    exports io.kdump4j.capture.classify;
}
