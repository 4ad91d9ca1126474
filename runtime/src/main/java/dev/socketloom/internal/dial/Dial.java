package dev.socketloom.internal.dial;

import dev.socketloom.ConnectOptions;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.errors.Errors;
import dev.socketloom.internal.util.Joiner;
import dev.socketloom.internal.util.ThreadStarter;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connect to a host name, over every address it resolves to, within one connect timeout: Happy Eyeballs
 * (RFC 8305). Addresses are tried in the resolver's order with the families interleaved, starting with the family of
 * the first address; the next attempt starts when the previous one failed or {@link #ATTEMPT_DELAY} after it
 * started, whichever comes first; the first attempt to connect wins and every other is closed. A name with one
 * address is connected on the caller's thread, exactly as a plain {@code Socket.connect}.
 *
 * <p>With several addresses each attempt runs on its own virtual thread ({@code socketloom-connect-<address>:<port>},
 * started and counted by the runtime) while the caller waits on a condition; all of them have ended when
 * {@link #connect()} returns, whatever the outcome, and every socket but the winner is closed. {@link #close()}
 * cancels from any thread (a disconnect of an async connection, the runtime's close). A failure names every address
 * that was tried and how it failed.
 */
public final class Dial implements AutoCloseable {
    /** RFC 8305's recommended Connection Attempt Delay. */
    static final Duration ATTEMPT_DELAY = Duration.ofMillis(250);

    /** The connected socket and the address it reached. */
    public record Connected(Socket socket, InetSocketAddress target) {
    }

    private final String name;
    private final List<InetSocketAddress> targets;
    private final ConnectOptions options;
    private final ThreadStarter threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // all guarded by lock
    private final List<Socket> open = new ArrayList<>();
    private final List<Thread> attempts = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final List<InetSocketAddress> started = new ArrayList<>();
    private final List<InetSocketAddress> ended = new ArrayList<>();
    private final List<IOException> causes = new ArrayList<>();
    private Connected winner;
    private boolean canceled;
    private int running;

    /** A dial of {@code host:port} (for messages) to {@code targets} (from {@link #resolve}). */
    public Dial(String host, int port, List<InetSocketAddress> targets, ConnectOptions options, ThreadStarter threads) {
        this.name = host + ":" + port;
        this.targets = targets;
        this.options = options;
        this.threads = threads;
    }

    /**
     * Every address of {@code host} (a literal is one), in the order to try them: duplicates removed, families
     * interleaved starting with the first address's (RFC 8305, section 4), and, when {@code local} binds to an
     * address, only that address's family.
     *
     * @throws InetException HOST_NOT_FOUND (also when no address matches the local address's family),
     *                       INVALID_ARGUMENT for an empty host or a bad port
     */
    public static List<InetSocketAddress> resolve(String host, int port, InetSocketAddress local) throws InetException {
        if (host == null || host.isBlank()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "host must not be empty");
        }
        Sockets.checkPort(port);
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new InetException(InetError.HOST_NOT_FOUND, host, e);
        }
        List<InetAddress> same = new ArrayList<>();
        List<InetAddress> other = new ArrayList<>();
        boolean firstV6 = all[0] instanceof Inet6Address;
        for (InetAddress a : new LinkedHashSet<>(List.of(all))) {
            if (local != null && local.getAddress() != null && !local.getAddress().isAnyLocalAddress()
                    && (a instanceof Inet6Address) != (local.getAddress() instanceof Inet6Address)) {
                continue; // a socket bound to an IPv4 address cannot reach an IPv6 one, and the other way round
            }
            ((a instanceof Inet6Address) == firstV6 ? same : other).add(a);
        }
        List<InetSocketAddress> ordered = new ArrayList<>(same.size() + other.size());
        for (int i = 0; i < Math.max(same.size(), other.size()); i++) {
            if (i < same.size()) {
                ordered.add(new InetSocketAddress(same.get(i), port));
            }
            if (i < other.size()) {
                ordered.add(new InetSocketAddress(other.get(i), port));
            }
        }
        if (ordered.isEmpty()) {
            throw new InetException(InetError.HOST_NOT_FOUND, host + " has no address of the family of the local "
                    + "address " + local);
        }
        return ordered;
    }

    /**
     * Connects to the first target that accepts, within the connect timeout.
     *
     * @throws InetException the single target's error; with several, TIMEOUT if the connect timeout expired first,
     *                       otherwise CONNECTION_REFUSED if any address refused, else the first address's error; or
     *                       OPERATION_CANCELED after {@link #close()} or an interrupt
     */
    public Connected connect() throws InetException {
        if (targets.size() == 1) {
            return connectOne(targets.get(0));
        }
        boolean timed = !options.connectTimeout().isZero();
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        // a fixed local port cannot be bound by two attempts at once: then each waits for the previous to fail
        boolean staggered = options.localAddress() == null || options.localAddress().getPort() == 0;
        InetException failure = null;
        lock.lock();
        try {
            int next = 0;
            long nextAt = 0;
            while (winner == null) {
                long now = System.nanoTime();
                if (canceled) {
                    failure = new InetException(InetError.OPERATION_CANCELED, "connect to " + name + " canceled");
                    break;
                }
                boolean more = next < targets.size();
                if (more && (running == 0 || (staggered && now - nextAt >= 0))) {
                    start(targets.get(next++), timed, deadline);
                    nextAt = now + ATTEMPT_DELAY.toNanos();
                    continue;
                }
                if (running == 0) {
                    failure = allFailed(null);
                    break;
                }
                if (timed && now - deadline >= 0) {
                    failure = allFailed(targets.subList(next, targets.size()));
                    break;
                }
                if (!timed && !(more && staggered)) {
                    changed.await(); // only an attempt's end can change anything now
                } else {
                    long wait = timed ? deadline - now : Long.MAX_VALUE;
                    changed.awaitNanos(more && staggered ? Math.min(wait, nextAt - now) : wait);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new InetException(InetError.OPERATION_CANCELED, "connect to " + name + " interrupted");
        } finally {
            lock.unlock();
        }
        Connected won = finish(failure == null);
        if (failure != null) {
            throw failure;
        }
        return won;
    }

    /** Closes every socket but a winner already handed out, and ends a waiting {@link #connect()}. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            canceled = true;
            open.forEach(Sockets::closeQuietly);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Connected connectOne(InetSocketAddress target) throws InetException {
        Socket s = new Socket();
        lock.lock();
        try {
            if (canceled) {
                throw new InetException(InetError.OPERATION_CANCELED, "connect to " + target + " canceled");
            }
            open.add(s); // from here on close() cancels the connect by closing the socket
        } finally {
            lock.unlock();
        }
        try {
            Sockets.connect(s, target, options, Sockets.timeoutMillis(options.connectTimeout()));
            lock.lock();
            try {
                open.remove(s);
                if (canceled) {
                    Sockets.closeQuietly(s);
                    throw new InetException(InetError.OPERATION_CANCELED, "connect to " + target + " canceled");
                }
            } finally {
                lock.unlock();
            }
            return new Connected(s, target);
        } catch (IOException e) {
            Sockets.closeQuietly(s);
            throw Errors.wrap(e, "connect to " + target);
        }
    }

    /** Starts one attempt on its own thread; called with the lock held. */
    private void start(InetSocketAddress target, boolean timed, long deadline) {
        running++;
        String host = target.getAddress().getHostAddress();
        Thread t = threads.start("socketloom-connect-" + host + ":" + target.getPort(),
                () -> attempt(target, timed, deadline));
        if (t == null) {
            running--;
            failed.add(format(target) + " (not started)");
        } else {
            attempts.add(t);
            started.add(target);
        }
    }

    private void attempt(InetSocketAddress target, boolean timed, long deadline) {
        Socket s = new Socket();
        lock.lock();
        try {
            if (canceled || winner != null) {
                running--;
                changed.signalAll();
                return;
            }
            open.add(s);
        } finally {
            lock.unlock();
        }
        IOException error = null;
        try {
            long left = timed ? Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) : 0;
            Sockets.connect(s, target, options, (int) Math.min(Integer.MAX_VALUE, left));
        } catch (IOException e) {
            error = e;
        }
        lock.lock();
        try {
            running--;
            ended.add(target);
            if (error == null && winner == null && !canceled) {
                winner = new Connected(s, target);
                open.remove(s);
            } else {
                Sockets.closeQuietly(s);
                if (error != null && winner == null && !canceled) {
                    failed.add(format(target) + " (" + Errors.classify(error) + ")");
                    causes.add(error);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the losers and joins every attempt; returns the winner if {@code keepWinner}, else closes it too. */
    private Connected finish(boolean keepWinner) {
        List<Thread> toJoin;
        Connected won;
        lock.lock();
        try {
            canceled = true; // no attempt may win from now on
            won = winner;
            if (won != null && !keepWinner) {
                Sockets.closeQuietly(won.socket());
                won = null;
            }
            open.forEach(Sockets::closeQuietly);
            toJoin = List.copyOf(attempts);
        } finally {
            lock.unlock();
        }
        // closed sockets end their connects at once; the deadline only guards against the impossible
        Joiner.joinAll(toJoin, options.joinDeadline());
        return won;
    }

    /** The error of a dial that got no connection; {@code untried} is non-null when the timeout expired. */
    private InetException allFailed(List<InetSocketAddress> untried) {
        List<String> parts = new ArrayList<>(failed);
        InetError error;
        if (untried != null) {
            error = InetError.TIMEOUT;
            started.stream().filter(t -> !ended.contains(t)).forEach(t -> parts.add(format(t)
                    + " (still connecting after " + options.connectTimeout() + ")"));
            untried.forEach(t -> parts.add(format(t) + " (not tried)"));
        } else {
            List<InetError> codes = causes.stream().map(Errors::classify).toList();
            error = codes.isEmpty() ? InetError.IO_ERROR : codes.contains(InetError.CONNECTION_REFUSED)
                    && !codes.stream().allMatch(codes.get(0)::equals) ? InetError.CONNECTION_REFUSED : codes.get(0);
        }
        InetException e = new InetException(error, "connect to " + name + " failed; tried " + String.join(", ",
                parts));
        causes.forEach(e::addSuppressed);
        return e;
    }

    private static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
