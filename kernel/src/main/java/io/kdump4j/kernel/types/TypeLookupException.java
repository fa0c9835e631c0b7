package io.kdump4j.kernel.types;

import java.io.IOException;

/**
 * A type or member the analysis needs is not in the dump's type information: the kernel is
 * older or newer than the code expects, or was built without {@code CONFIG_DEBUG_INFO_BTF}.
 */
public final class TypeLookupException extends IOException {
    public TypeLookupException(String message) {
        super(message);
    }
}
