/** Synthetic dump writers for tests, independent of the readers they check. */
module io.kdump4j.testkit {
    requires aircompressor.v3;

    exports io.kdump4j.testkit;
}
