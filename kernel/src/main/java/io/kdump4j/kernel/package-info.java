/**
 * The kernel program: a dump plus what VMCOREINFO and the architecture say about it.
 *
 * <pre>
 * DumpFile (format)            container notes + physical memory, by page frame
 *   └─ KernelDump              owns the DumpFile; identity (release, version, build id, crash time,
 *        │                     CPUs, RAM) and the caches of this one dump (never static)
 *        ├─ Vmcoreinfo         KEY=VALUE note, typed getters, tolerant parsing with warnings
 *        ├─ Arch (sealed)      X86_64 | Aarch64: formulas + page-table walk, pointer stripping
 *        └─ KernelMemory       virtual reads split per page, translated (bounded TLB), faults
 *             └─ helpers.*     one class per subsystem (printk: KernelLog)
 * </pre>
 *
 * <p>Everything is derived from VMCOREINFO alone; no debug info is needed. Faults are
 * {@link io.kdump4j.format.mem.MemoryFault}: VIRTUAL NOT_MAPPED with the page-table level for a
 * translation miss, VIRTUAL with the physical reason (not in dump, excluded, lost) for a
 * translated page the dump lacks. Inconsistent kernel data (a corrupted log ring) and missing
 * VMCOREINFO keys are {@link io.kdump4j.format.io.DumpFormatException} with offset -1 and a
 * message naming the key or the virtual address.
 */
package io.kdump4j.kernel;
