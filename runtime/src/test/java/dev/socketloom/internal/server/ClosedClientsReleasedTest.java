package dev.socketloom.internal.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.socketloom.Connection;
import dev.socketloom.Server;
import dev.socketloom.SocketRuntime;
import dev.socketloom.testing.TestSupport;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A long-running server with churn keeps no closed client reachable beyond a small, fixed bound: the server's
 * record of its client threads (which a stop must be able to join) drops the threads that ended, and a dead virtual
 * thread still references its task - the whole connection, with its buffers and, over TLS, its TLS session.
 */
class ClosedClientsReleasedTest {
    private static final int CYCLES = 3_000;
    /** What the server may still hold of closed clients (ClientThreads drops the ended after 64 ends at most). */
    private static final int BOUND = 200;

    @Test
    void aServerWithChurnDoesNotKeepItsClosedClients() throws Exception {
        List<WeakReference<Connection>> served = new ArrayList<>(CYCLES);
        Semaphore ended = new Semaphore(0);
        try (SocketRuntime rt = SocketRuntime.open()) {
            Server server = rt.startServer(TestSupport.loopback().build(), c -> {
                synchronized (served) {
                    served.add(new WeakReference<>(c));
                }
                ended.release(); // the handler returns at once: the client's thread ends
            });
            for (int i = 0; i < CYCLES; i++) {
                rt.connect("127.0.0.1", server.port()).abort();
            }
            assertTrue(ended.tryAcquire(CYCLES, TestSupport.DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                    "every handler ran");
            TestSupport.awaitCondition(() -> server.clientCount() == 0, "every client to leave");
            TestSupport.awaitCondition(() -> {
                System.gc();
                return reachable(served) <= BOUND;
            }, "the closed clients to become unreachable");
        }
    }

    private static int reachable(List<WeakReference<Connection>> refs) {
        synchronized (refs) {
            int n = 0;
            for (WeakReference<Connection> r : refs) {
                if (r.get() != null) {
                    n++;
                }
            }
            return n;
        }
    }
}
