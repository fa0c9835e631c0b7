/** The kernel log: printk ringbuffer and structured log_buf readers, makedumpfile-compatible text. */
package io.kdump4j.kernel.helpers.printk;
