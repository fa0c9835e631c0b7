package io.kdump4j.analyze;

/** The typed result of a command, renderable as text (crash-like) and as JSON. */
public interface Result {
    /** Plain text for a terminal, ending with a newline. */
    String toText();

    /** A JSON-ready structure of maps, lists, strings, numbers, booleans and nulls. */
    Object toJson();
}
