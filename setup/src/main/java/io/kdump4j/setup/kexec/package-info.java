/**
 * The only code that calls into the kernel: {@code kexec_file_load(2)} through the FFM API,
 * errno captured and turned into advice. Nothing else in kdump4j makes system calls.
 */
package io.kdump4j.setup.kexec;
