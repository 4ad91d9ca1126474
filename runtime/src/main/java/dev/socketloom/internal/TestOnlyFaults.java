package dev.socketloom.internal;

/**
 * Deliberate faults for the test suite's self-checks, never used in production: the lifecycle chains
 * ({@code dev.socketloom.lifecycle}) switch one on to prove that they detect a broken guarantee and shrink the failure
 * to a short chain. Off by default; this package is not exported, so only code compiled into the module (the tests)
 * can reach it. A test that turns a fault on must turn it off again in a {@code finally} block.
 */
public final class TestOnlyFaults {
    private static volatile boolean skipConnectionJoin;

    private TestOnlyFaults() {
    }

    /**
     * Breaks L1 on purpose: {@link SocketConnection#disconnect()} of a server-side connection then returns without
     * joining its handler thread. (Client-side event threads are still joined: their exit is too quick to observe
     * reliably, and a self-test needs a failure that reproduces on every run for jqwik to shrink it.)
     */
    public static void skipConnectionJoin(boolean on) {
        skipConnectionJoin = on;
    }

    static boolean skipConnectionJoin() {
        return skipConnectionJoin;
    }
}
