package dev.socketloom.internal.connection;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connected clients of one server, counted per remote address for {@code maxClientsPerAddress}, with a wait for
 * "no client left" that a graceful stop uses, and the bytes its clients moved. Lookups and updates are lock-free; the
 * lock only serves that wait, and a removal takes it only while somebody waits. Connections are kept by identity (no
 * boxed key per client); this is the only registry an accepted client is in, the runtime's {@code connections()}
 * reads it from here.
 *
 * <p>A client is counted under the address it was admitted with, remembered by the client itself
 * ({@link ConnectionLifecycle#countedAs}: a field, not a map entry per client), so that a removal always undoes exactly
 * that count. Without the PROXY protocol that is the TCP peer, counted when the client is added on the acceptor
 * thread; with it, the original client named by the header, counted by {@link #admit} on the client's own thread
 * once the header has been read (until then the client is registered, so stops close it, but counted under no
 * address, so that the proxy's own address never fills up with connections that have not said who they are).
 * Counts only change inside the map's atomic {@code compute}, so a count can never be lost to a concurrent removal
 * of the last client of an address.
 */
public final class ClientRegistry {
    /** A client's {@code countedAs}, taken back atomically: by exactly one of a removal and a racing admit. */
    private static final VarHandle COUNTED_AS;

    static {
        try {
            COUNTED_AS = MethodHandles.lookup()
                    .findVarHandle(ConnectionLifecycle.class, "countedAs", InetAddress.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Set<SocketConnection> clients = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition removed = lock.newCondition();
    private volatile int waiters;
    /** Bytes of the clients removed so far; the connected ones are summed when asked. */
    private final LongAdder removedBytesIn = new LongAdder();
    private final LongAdder removedBytesOut = new LongAdder();

    /** Registers {@code c}; counts it under its remote address now if {@code countNow} (the acceptor checked it). */
    public void add(SocketConnection c, boolean countNow) {
        clients.add(c);
        if (countNow) {
            admit(c, addressOf(c), 0);
        }
    }

    /**
     * Counts registered client {@code c} under {@code address} unless {@code max} (0 = unlimited) clients from there
     * are connected already; returns whether it was admitted. A client removed meanwhile is not left counted.
     */
    public boolean admit(SocketConnection c, InetAddress address, int max) {
        if (address == null) {
            return true;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, n) -> {
            int have = n == null ? 0 : n;
            if (max > 0 && have >= max) {
                return n;
            }
            admitted[0] = true;
            return have + 1;
        });
        if (!admitted[0]) {
            return false;
        }
        c.countedAs = address;
        // removed while we counted: whichever of us takes the count back from the client undoes it, exactly once
        if (!clients.contains(c) && COUNTED_AS.compareAndSet(c, address, null)) {
            uncount(address);
        }
        return true;
    }

    private void uncount(InetAddress address) {
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /** Removes {@code c}; returns whether it was registered (false for a second removal). */
    public boolean remove(SocketConnection c) {
        if (!clients.remove(c)) {
            return false;
        }
        removedBytesIn.add(c.activity().bytesIn());
        removedBytesOut.add(c.activity().bytesOut());
        InetAddress a = (InetAddress) COUNTED_AS.getAndSet(c, null);
        if (a != null) {
            uncount(a);
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

    public int size() {
        return clients.size();
    }

    public boolean isEmpty() {
        return clients.isEmpty();
    }

    /** Clients connected from {@code address} right now. */
    public int countFrom(InetAddress address) {
        return perAddress.getOrDefault(address, 0);
    }

    /**
     * Bytes read from all clients, those gone and those connected. Gone ones are read first: a client leaving
     * meanwhile may be missed by this call (never counted twice), and is counted by the next.
     */
    public long bytesIn() {
        long sum = removedBytesIn.sum();
        for (SocketConnection c : clients) {
            sum += c.activity().bytesIn();
        }
        return sum;
    }

    /** Bytes written to all clients, counted as {@link #bytesIn()} counts. */
    public long bytesOut() {
        long sum = removedBytesOut.sum();
        for (SocketConnection c : clients) {
            sum += c.activity().bytesOut();
        }
        return sum;
    }

    public List<SocketConnection> snapshot() {
        return List.copyOf(clients);
    }

    /**
     * Waits until no client is left or {@code timeout} has passed; an interrupt ends the wait early and stays set.
     *
     * @return whether no client is left
     */
    public boolean awaitEmpty(Duration timeout) {
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
