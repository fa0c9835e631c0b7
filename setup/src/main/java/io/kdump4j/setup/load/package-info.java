/** Loading and unloading the capture kernel, and its status: the policy around {@code kexec}. */
package io.kdump4j.setup.load;
