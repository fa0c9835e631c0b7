/**
 * The ELF core header ("elfcorehdr") that a kexec_load(2) capture kernel turns into
 * /proc/vmcore: where its data comes from ({@link io.kdump4j.setup.elfcore.CrashSources}), the
 * arm64 layout ({@link io.kdump4j.setup.elfcore.Arm64CoreHeader}, with
 * {@link io.kdump4j.setup.elfcore.KernelText} avoiding kexec-tools' KALLSYMS_ALL trap) and the
 * bytes ({@link io.kdump4j.setup.elfcore.ElfCoreHeaderWriter}).
 */
package io.kdump4j.setup.elfcore;
