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

    /** Breaks L1 on purpose: {@link SocketConnection#disconnect()} then returns without joining the managing thread. */
    public static void skipConnectionJoin(boolean on) {
        skipConnectionJoin = on;
    }

    static boolean skipConnectionJoin() {
        return skipConnectionJoin;
    }
}
