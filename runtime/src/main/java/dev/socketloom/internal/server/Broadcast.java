package dev.socketloom.internal.server;

import dev.socketloom.Connection;
import dev.socketloom.InetException;
import dev.socketloom.internal.connection.SocketConnection;
import dev.socketloom.internal.util.JoinPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A server's broadcast: one write of the same bytes to every open client but one, each on a writer thread of its own
 * that the server tracks like its client threads (so a stop joins a writer that is still blocked), then a bounded wait
 * for them. A write goes through the client's write lock, so it never interleaves with the handler's own writes.
 *
 * <p>Stateless; runs on the caller's thread.
 */
final class Broadcast {
    private Broadcast() {
    }

    /**
     * Writes {@code data} to every client of {@code clients} that is open (not still in its PROXY header or TLS
     * handshake) and is not {@code except}; waits up to {@code wait} for the writers and returns how many completed.
     */
    static int send(List<SocketConnection> clients, Connection except, byte[] data, ClientThreads threads,
                    String threadName, JoinPolicy joins, Duration wait) {
        AtomicInteger reached = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (SocketConnection c : clients) {
            if (c == except || !c.isOpenState()) {
                continue;
            }
            Thread t = threads.startWriter(threadName, () -> {
                try {
                    c.write(data, 0, data.length);
                    reached.incrementAndGet();
                } catch (InetException closedOrFailed) {
                    // not reached: the client left or its write failed
                }
            });
            if (t != null) {
                writers.add(t);
            }
        }
        joins.join(writers, wait);
        return reached.get();
    }
}
