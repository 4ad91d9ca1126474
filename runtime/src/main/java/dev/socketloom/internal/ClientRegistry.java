package dev.socketloom.internal;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connected clients of one server, counted per remote address for {@code maxClientsPerAddress}, with a wait for
 * "no client left" that a graceful stop uses, and the bytes its clients moved. Lookups and updates are lock-free; the
 * lock only serves that wait, and a removal takes it only while somebody waits.
 */
final class ClientRegistry {
    private final Map<Long, SocketConnection> clients = new ConcurrentHashMap<>();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition removed = lock.newCondition();
    private volatile int waiters;
    /** Bytes of the clients removed so far; the connected ones are summed when asked. */
    private final LongAdder removedBytesIn = new LongAdder();
    private final LongAdder removedBytesOut = new LongAdder();

    void add(SocketConnection c) {
        clients.put(c.id(), c);
        InetAddress a = c.remoteAddress().getAddress();
        if (a != null) {
            perAddress.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Removes {@code c}; returns whether it was registered (false for a second removal). */
    boolean remove(SocketConnection c) {
        if (clients.remove(c.id()) == null) {
            return false;
        }
        removedBytesIn.add(c.activity().bytesIn());
        removedBytesOut.add(c.activity().bytesOut());
        InetAddress a = c.remoteAddress().getAddress();
        if (a != null) {
            perAddress.computeIfPresent(a, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
        if (waiters > 0) {
            lock.lock();
            try {
                removed.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return true;
    }

    int size() {
        return clients.size();
    }

    boolean isEmpty() {
        return clients.isEmpty();
    }

    /** Clients connected from {@code address} right now. */
    int countFrom(InetAddress address) {
        AtomicInteger n = perAddress.get(address);
        return n == null ? 0 : n.get();
    }

    /**
     * Bytes read from all clients, those gone and those connected. Gone ones are read first: a client leaving
     * meanwhile may be missed by this call (never counted twice), and is counted by the next.
     */
    long bytesIn() {
        long sum = removedBytesIn.sum();
        for (SocketConnection c : clients.values()) {
            sum += c.activity().bytesIn();
        }
        return sum;
    }

    /** Bytes written to all clients, counted as {@link #bytesIn()} counts. */
    long bytesOut() {
        long sum = removedBytesOut.sum();
        for (SocketConnection c : clients.values()) {
            sum += c.activity().bytesOut();
        }
        return sum;
    }

    List<SocketConnection> snapshot() {
        return List.copyOf(clients.values());
    }

    /**
     * Waits until no client is left or {@code timeout} has passed; an interrupt ends the wait early and stays set.
     *
     * @return whether no client is left
     */
    boolean awaitEmpty(Duration timeout) {
        lock.lock();
        waiters++; // under the lock: a remover that sees 0 has nothing to signal, one that sees 1 signals after this
        try {
            long remaining = timeout.toNanos();
            while (!clients.isEmpty() && remaining > 0) {
                remaining = removed.awaitNanos(remaining);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            waiters--;
            lock.unlock();
        }
        return clients.isEmpty();
    }
}
