package io.kdump4j.cli;

import io.kdump4j.format.io.DumpFormatException;
import io.kdump4j.format.mem.MemoryFault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import picocli.CommandLine;

/**
 * The one entry point. Maps failures to {@link ExitCodes} and one clear line on stderr; a
 * stack trace only with {@code --debug}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Whether this JVM's stdout is the process's file descriptor 1, untouched: set by
     * {@link #main} (tests call {@link #run} with System.out replaced). Then {@code save ... -}
     * writes to the descriptor itself, so that a write error says what it is (ENOSPC on
     * /dev/full, EPIPE) instead of PrintStream's swallowed error.
     */
    static volatile boolean rawStdout;

    public static void main(String[] args) {
        rawStdout = true;
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        String[] rest = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        CommandLine cl = new CommandLine(new Kdump4j());
        cl.setExecutionExceptionHandler((ex, line, parse) -> handle(ex, debug));
        cl.setParameterExceptionHandler((ex, a) -> {
            line(ex.getMessage());
            ex.getCommandLine().usage(System.err);
            return ExitCodes.USAGE;
        });
        try {
            return cl.execute(rest);
        } catch (OutOfMemoryError | StackOverflowError e) {
            return limit(e, debug);
        }
    }

    /**
     * The JVM's heap or stack ran out (picocli lets {@link Error}s through): one line and
     * {@link ExitCodes#RESOURCES}, not a stack trace. Every size read from a file is checked
     * against the heap left, so this means the dump needs more than the JVM was given.
     */
    static int limit(VirtualMachineError e, boolean debug) {
        if (debug) {
            e.printStackTrace(System.err);
        }
        Runtime r = Runtime.getRuntime();
        line((e instanceof OutOfMemoryError ? "out of memory (" + e.getMessage() + ", heap " + (r.maxMemory() >> 20)
                + " MiB)" : "out of stack (a recursion too deep for -Xss)")
                + ": rerun with a larger -Xmx/-Xss in KDUMP4J_JAVA_OPTS");
        return ExitCodes.RESOURCES;
    }

    static int handle(Exception ex, boolean debug) {
        Throwable t = ex;
        if (t instanceof UncheckedIOException u) {
            t = u.getCause();
        }
        if (t.getCause() instanceof VirtualMachineError vme && (vme instanceof OutOfMemoryError
                || vme instanceof StackOverflowError)) {
            return limit(vme, debug);
        }
        if (debug) {
            t.printStackTrace(System.err);
        }
        return switch (t) {
            case DumpFormatException e -> {
                line(e.getMessage());
                yield ExitCodes.BAD_DUMP;
            }
            case MemoryFault e -> {
                line("the dump lacks data this command needs: " + e.getMessage());
                yield ExitCodes.MISSING_DATA;
            }
            case io.kdump4j.kernel.symbols.SymbolLookupException e -> {
                line(e.getMessage());
                yield ExitCodes.MISSING_DATA;
            }
            case io.kdump4j.kernel.types.TypeLookupException e -> {
                line(e.getMessage());
                yield ExitCodes.MISSING_DATA;
            }
            case io.kdump4j.kernel.MissingKernelDataException e -> {
                line(e.getMessage());
                yield ExitCodes.MISSING_DATA;
            }
            case MissingDataException e -> {
                line(e.getMessage());
                yield ExitCodes.MISSING_DATA;
            }
            case NoSuchFileException e -> {
                line(e.getFile() + ": no such file");
                yield ExitCodes.IO;
            }
            case AccessDeniedException e -> {
                line(e.getFile() + ": permission denied");
                yield ExitCodes.IO;
            }
            case IOException e -> {
                line(e.getMessage() == null ? e.toString() : e.getMessage());
                yield ExitCodes.IO;
            }
            default -> {
                line("internal error: " + t + (debug ? "" : " (rerun with --debug for the stack trace, and please report it)"));
                yield ExitCodes.INTERNAL;
            }
        };
    }

    private static void line(String s) {
        System.err.println("kdump4j: " + s);
    }
}
