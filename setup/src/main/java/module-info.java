/**
 * The set-up path: is this machine ready to catch a crash ({@code check}), the capture
 * initramfs ({@code initramfs}, with our own cpio newc writer), loading the capture kernel
 * through {@code kexec_file_load(2)} ({@code kexec}: the only package that calls into the
 * kernel), and the configuration both sides share ({@code config}).
 */
module io.kdump4j.setup {
    requires io.kdump4j.format;
    requires org.tukaani.xz;
    requires aircompressor.v3;

    exports io.kdump4j.setup.boot;
    exports io.kdump4j.setup.check;
    exports io.kdump4j.setup.config;
    exports io.kdump4j.setup.elfcore;
    exports io.kdump4j.setup.fdt;
    exports io.kdump4j.setup.initramfs;
    exports io.kdump4j.setup.kexec;
    exports io.kdump4j.setup.load;
}
