package dev.socketloom.lifecycle;

import dev.socketloom.Connection;
import dev.socketloom.InetException;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestSupport;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.state.ActionChain;

/** Runs one lifecycle chain: every action, the invariants after each, and the leak check at the end of the try. */
final class Chains {
    private static final AtomicReference<World> CURRENT = new AtomicReference<>();

    private Chains() {
    }

    private static volatile boolean warmedUp;

    /** The chain's initial state: a fresh runtime from {@code runtimes}, with the process's threads and descriptors as the baseline. */
    static World newWorld(Supplier<SocketRuntime> runtimes) {
        warmUp();
        World w = new World(runtimes);
        World previous = CURRENT.getAndSet(w);
        if (previous != null) {
            throw new IllegalStateException("a previous chain's world was not closed");
        }
        return w;
    }

    /** The action without its arguments, for jqwik's statistics report. */
    static String kind(String description) {
        return description.replaceAll("\"[^\"]*\"( \\(\\d+ bytes\\))?", "<line>")
                .replaceAll("\\{[^}]*, tls}", "{options, tls}")
                .replaceAll("\\{[^}]*[^s]}", "{options}")
                .replaceAll("\\b[CS]\\d+\\b", "X")
                .replaceAll("\\d+", "n");
    }

    /**
     * Exercises the JDK's lazily created I/O machinery (virtual-thread pollers and their descriptors) once, before any
     * baseline is taken, so that it is not counted as a socket or thread of the runtime.
     */
    private static void warmUp() {
        if (warmedUp) {
            return;
        }
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(TestSupport.loopback().build(), TestSupport.LINE_ECHO);
            try (Connection c = rt.connect("127.0.0.1", server.port())) {
                c.writeLine("warm-up");
                if (!"warm-up".equals(c.readLine())) {
                    throw new IllegalStateException("warm-up echo failed");
                }
            }
            server.disconnect();
        } catch (InetException e) {
            throw new IllegalStateException("warm-up failed", e);
        }
        warmedUp = true;
    }

    /**
     * Runs {@code chain} ({@link World#check()} runs after every action), then closes the runtime and
     * requires the process to hold no thread or descriptor that was not there before the try (L8/L9).
     */
    static void run(ActionChain<World> chain) throws Exception {
        Throwable failure = null;
        try {
            chain.run(); // every step checks the world's invariants after it acted (see ChainSteps.Step)
            for (String t : chain.transformations()) {
                Statistics.label("actions").collect(kind(t));
            }
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            World w = CURRENT.getAndSet(null);
            if (w != null) {
                try {
                    w.closeAndCheckNoLeaks();
                } catch (Throwable t) {
                    if (failure == null) {
                        throw t;
                    }
                    failure.addSuppressed(t);
                }
            }
        }
    }
}
