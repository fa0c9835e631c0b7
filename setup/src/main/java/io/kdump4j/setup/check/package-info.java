/** {@code kdump4j check}: preflight findings read from the machine's files, never changing them. */
package io.kdump4j.setup.check;
