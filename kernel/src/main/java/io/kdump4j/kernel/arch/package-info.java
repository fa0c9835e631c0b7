/** Architectures: pointer size, byte order, kernel address translation (one sealed strategy each). */
package io.kdump4j.kernel.arch;
