/** Synthetic dump writers for tests, independent of the readers they check. */
module io.kdump4j.testkit {
    requires aircompressor.v3;
    requires org.junit.jupiter.api;

    exports io.kdump4j.testkit;
}
