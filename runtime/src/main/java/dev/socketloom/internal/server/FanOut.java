package dev.socketloom.internal.server;

import dev.socketloom.InetException;
import dev.socketloom.internal.connection.ClientRegistry;
import dev.socketloom.internal.connection.OutboundQueue;
import dev.socketloom.internal.connection.SocketConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server's broadcast: hands each message to every open client's {@link OutboundQueue} and returns at once, so one
 * peer that stops reading never stalls the sender or the other clients. A client whose queue would pass its byte
 * limit is a slow consumer: it is aborted (its handler sees the connection end) and counted.
 *
 * <p>Drainers are started through {@link ClientThreads#startWriter}, so every stop and the runtime's close join them
 * like the client threads.
 */
final class FanOut {
    private final ClientRegistry clients;
    private final ClientThreads threads;
    private final String writerName;
    private final long limit;
    private final Map<SocketConnection, OutboundQueue> queues = new ConcurrentHashMap<>();
    private final AtomicLong slowConsumers = new AtomicLong();

    FanOut(ClientRegistry clients, ClientThreads threads, int port, long limit) {
        this.clients = clients;
        this.threads = threads;
        this.writerName = "socketloom-server-" + port + "-broadcast";
        this.limit = limit;
    }

    /** Queues {@code data} to every open client but {@code except}; returns how many clients it was queued to. */
    int broadcast(byte[] data, Object except) {
        queues.keySet().removeIf(c -> !c.isConnected()); // clients that left: their queues go with them
        int queued = 0;
        for (SocketConnection c : clients.snapshot()) {
            if (c == except || !c.isOpenState()) {
                continue; // the sender, or a client still in its PROXY header or TLS handshake
            }
            OutboundQueue q = queues.computeIfAbsent(c, k -> new OutboundQueue(k, limit));
            switch (q.offer(data, threads::startWriter, writerName)) {
                case QUEUED -> queued++;
                case OVER_LIMIT -> cut(c, q);
                case CLOSED -> queues.remove(c, q);
            }
        }
        return queued;
    }

    private void cut(SocketConnection c, OutboundQueue q) {
        q.close();
        queues.remove(c, q);
        slowConsumers.incrementAndGet();
        try {
            c.abort(); // wakes its drainer's blocked write and its handler's read
        } catch (InetException alreadyClosed) {
            // ended meanwhile: nothing left to cut
        }
    }

    /** Clients cut because their queue would pass its limit. */
    long slowConsumers() {
        return slowConsumers.get();
    }

    /** The bytes queued to all clients and not yet written. */
    long queuedBytes() {
        long sum = 0;
        for (OutboundQueue q : queues.values()) {
            sum += q.queuedBytes();
        }
        return sum;
    }

    /** The largest queue right now, in bytes (see {@link OutboundQueue} for when it may pass its limit). */
    long maxQueuedBytes() {
        long max = 0;
        for (OutboundQueue q : queues.values()) {
            max = Math.max(max, q.queuedBytes());
        }
        return max;
    }
}
