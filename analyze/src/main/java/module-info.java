/** Analysis commands over a kernel dump: typed results and their text, JSON and HTML renderings. */
module io.kdump4j.analyze {
    requires transitive io.kdump4j.kernel;

    exports io.kdump4j.analyze;
}
