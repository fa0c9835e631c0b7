/** The kernel program over a dump: VMCOREINFO, architectures, address translation, helpers. */
module io.kdump4j.kernel {
    requires transitive io.kdump4j.format;

    exports io.kdump4j.kernel;
    exports io.kdump4j.kernel.arch;
    exports io.kdump4j.kernel.helpers.printk;
    exports io.kdump4j.kernel.symbols;
    exports io.kdump4j.kernel.btf;
    exports io.kdump4j.kernel.types;
    exports io.kdump4j.kernel.helpers.percpu;
    exports io.kdump4j.kernel.helpers.sched;
    exports io.kdump4j.kernel.unwind;
    exports io.kdump4j.kernel.helpers.panic;
    exports io.kdump4j.kernel.helpers.module;
    exports io.kdump4j.kernel.helpers.mm;
    exports io.kdump4j.kernel.helpers.time;
}
