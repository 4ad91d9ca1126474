package dev.socketloom.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connected clients of one server, counted per remote address for {@code maxClientsPerAddress}, with a wait for
 * "no client left" that a graceful stop uses. Lookups and updates are lock-free; the lock only serves that wait, and
 * a removal takes it only while somebody waits. Connections are kept by identity (no boxed key per client); this is
 * the only registry an accepted client is in, the runtime's {@code connections()} reads it from here.
 */
final class ClientRegistry {
    private final Set<SocketConnection> clients = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition removed = lock.newCondition();
    private volatile int waiters;

    void add(SocketConnection c) {
        clients.add(c);
        InetAddress a = addressOf(c);
        if (a != null) {
            perAddress.computeIfAbsent(a, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    /** Removes {@code c}; returns whether it was registered (false for a second removal). */
    boolean remove(SocketConnection c) {
        if (!clients.remove(c)) {
            return false;
        }
        InetAddress a = addressOf(c);
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

    private static InetAddress addressOf(SocketConnection c) {
        InetSocketAddress remote = c.remoteAddress();
        return remote == null ? null : remote.getAddress();
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

    List<SocketConnection> snapshot() {
        return List.copyOf(clients);
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
