package dev.socketloom.internal.dial;

import dev.socketloom.ConnectOptions;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * Socket plumbing shared by every path that opens or closes one: applying {@link ConnectOptions}, the one connect
 * sequence (configure, bind, connect), timeouts as {@code SO_TIMEOUT} milliseconds, and the one quiet close.
 */
public final class Sockets {
    private Sockets() {
    }

    /**
     * Applies the socket options every connection uses, before connect (client) or right after accept (server).
     * TCP_NODELAY and SO_KEEPALIVE are off on a new socket and on one accepted from our listener (which sets
     * neither), so they are only set when on: a setsockopt that changes nothing is a system call per connection
     * (connect + close cycles are measured against raw virtual threads, which set nothing).
     *
     * @throws InetException OPERATION_NOT_SUPPORTED when keepalive timing is asked for and the OS cannot set it
     */
    public static void configure(Socket s, ConnectOptions o) throws IOException {
        if (o.tcpNoDelay()) {
            s.setTcpNoDelay(true);
        }
        if (o.keepAlive()) {
            s.setKeepAlive(true);
            keepAliveTiming(s, o);
        }
        if (o.lingerSeconds() >= 0) {
            s.setSoLinger(true, o.lingerSeconds());
        }
        if (o.receiveBufferSize() > 0) {
            s.setReceiveBufferSize(o.receiveBufferSize());
        }
        if (o.sendBufferSize() > 0) {
            s.setSendBufferSize(o.sendBufferSize());
        }
        s.setSoTimeout(timeoutMillis(o.readTimeout()));
    }

    /**
     * Configures {@code s}, binds it to the local address of {@code o} if one is set, and connects it to
     * {@code target} within {@code timeoutMillis} (0: as long as the OS takes; a multi-address {@link Dial} passes
     * what is left of the connect timeout). The caller made {@code s} reachable for cancellation first (closing
     * it from another thread is how a pending connect is canceled) and closes it if this throws.
     */
    static void connect(Socket s, InetSocketAddress target, ConnectOptions o, int timeoutMillis) throws IOException {
        configure(s, o);
        if (o.localAddress() != null) {
            s.bind(o.localAddress());
        }
        s.connect(target, timeoutMillis);
    }

    private static void keepAliveTiming(Socket s, ConnectOptions o) throws IOException {
        try {
            if (!o.keepAliveIdle().isZero()) {
                s.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) o.keepAliveIdle().getSeconds());
            }
            if (!o.keepAliveInterval().isZero()) {
                s.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) o.keepAliveInterval().getSeconds());
            }
            if (o.keepAliveCount() > 0) {
                s.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, o.keepAliveCount());
            }
        } catch (UnsupportedOperationException e) {
            throw new InetException(InetError.OPERATION_NOT_SUPPORTED, "TCP keepalive timing on this platform", e);
        }
    }

    /** A duration as {@code SO_TIMEOUT} milliseconds: 0 for none, at least 1 otherwise, capped at int range. */
    public static int timeoutMillis(Duration d) {
        if (d.isZero()) {
            return 0;
        }
        long ms = Math.max(1, d.toMillis());
        return (int) Math.min(Integer.MAX_VALUE, ms);
    }

    /**
     * Closes {@code c} if it is not null, ignoring failures: every close on a teardown path goes through here,
     * because the descriptor is released whether or not close reports an error, and teardown must go on.
     */
    public static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // best effort by definition; the resource is released either way
        }
    }

    /** Closes with SO_LINGER 0, so the peer sees a reset and this side keeps no TIME_WAIT; quietly. */
    public static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // nothing left to reset
        }
      closeQuietly(s);
    }

    /** Throws INVALID_ARGUMENT unless {@code port} is a TCP port (1..65535). */
    public static void checkPort(int port) throws InetException {
        if (port < 1 || port > 65_535) {
            throw new InetException(InetError.INVALID_ARGUMENT, "port must be 1..65535, was " + port);
        }
    }

    /** The name of the thread that manages a connection with {@code a}: {@code socketloom-client-<host>:<port>}. */
    public static String clientThreadName(InetSocketAddress a) {
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return "socketloom-client-" + host + ":" + a.getPort();
    }

    /** {@code host:port}, also for an address not resolved yet (whose {@code toString} is {@code host/<unresolved>:port}). */
    public static String describe(java.net.InetSocketAddress a) {
        if (a == null || !a.isUnresolved()) {
            return String.valueOf(a);
        }
        return a.getHostString() + ":" + a.getPort();
    }
}
