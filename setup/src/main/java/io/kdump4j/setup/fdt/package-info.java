/**
 * Flattened device trees (Devicetree Specification v0.4, chapter 5): our own reader
 * ({@link io.kdump4j.setup.fdt.FdtReader}) and writer ({@link io.kdump4j.setup.fdt.FdtWriter}),
 * and the arm64 capture kernel's tree ({@link io.kdump4j.setup.fdt.CaptureDeviceTree}).
 */
package io.kdump4j.setup.fdt;
