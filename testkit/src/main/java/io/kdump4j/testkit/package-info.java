/** Writers of synthetic dumps (ELF cores, kdump-compressed, flattened) for edge-case tests. */
package io.kdump4j.testkit;
