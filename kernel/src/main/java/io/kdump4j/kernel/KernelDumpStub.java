package io.kdump4j.kernel;

/** Placeholder so the module compiles until the kernel program lands. */
final class KernelDumpStub {
    private KernelDumpStub() {
    }
}
