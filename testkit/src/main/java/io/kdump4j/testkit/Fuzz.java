package io.kdump4j.testkit;

import java.util.SplittableRandom;

/**
 * A small seeded property runner for fuzzing parsers: runs a trial many times, each with its
 * own random source derived from a base seed, and on failure names the seed that reproduces it.
 *
 * <p>Why not jqwik: jqwik 1.10.1 prints a notice that AI agents must not use it. Part of this
 * project is written with AI assistance, so we respect the notice and keep our own runner.
 * These tests need only generation and replay, not shrinking.
 *
 * <p>System properties: {@code kdump4j.fuzz.tries} (trials per property; the default is set per
 * test), {@code kdump4j.fuzz.seed} (base seed; the default is fixed, so CI runs are
 * reproducible), {@code kdump4j.fuzz.replay} (run only this trial seed, as printed by a
 * failure).
 */
public final class Fuzz {
    /** One trial: generate an input from {@code random} and check the property on it. */
    @FunctionalInterface
    public interface Trial {
        void run(SplittableRandom random) throws Exception;
    }

    private Fuzz() {
    }

    public static void check(String property, int defaultTries, Trial trial) {
        String replay = System.getProperty("kdump4j.fuzz.replay");
        if (replay != null) {
            runOne(property, -1, Long.parseLong(replay), trial);
            return;
        }
        long base = Long.getLong("kdump4j.fuzz.seed", 0x6b64756d70346aL ^ property.hashCode());
        int tries = Integer.getInteger("kdump4j.fuzz.tries", defaultTries);
        SplittableRandom seeds = new SplittableRandom(base);
        for (int i = 0; i < tries; i++) {
            runOne(property, i, seeds.nextLong(), trial);
        }
    }

    private static void runOne(String property, int index, long seed, Trial trial) {
        try {
            trial.run(new SplittableRandom(seed));
        } catch (Throwable t) {
            throw new AssertionError(property + " failed on trial " + index + "; reproduce with -Dkdump4j.fuzz.replay="
                    + seed + ": " + t, t);
        }
    }

    /** {@code n} random bytes. */
    public static byte[] bytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }
}
