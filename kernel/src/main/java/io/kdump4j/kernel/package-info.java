/** The kernel program: a dump plus what VMCOREINFO and the architecture say about it. */
package io.kdump4j.kernel;
