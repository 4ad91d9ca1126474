package dev.socketloom.internal.connection;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Connection;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyHeader;
import dev.socketloom.TlsInfo;
import dev.socketloom.TlsOptions;
import dev.socketloom.internal.dial.Sockets;
import dev.socketloom.internal.tls.TlsLayer;
import dev.socketloom.internal.util.Threads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one implementation of {@link Connection}: the {@code Connection} API over a {@link ConnectionLifecycle} - reads
 * and writes (delegated to {@link ConnectionIo}, which buffers through {@link ReadBuffer} and times through
 * {@link Activity}), addresses, disconnect and abort with their joins (L1, L5, L6), events ({@link EventPump}) and
 * TLS ({@link #secure}: implicit TLS before the connection opens, {@code startTls} in place). The conveniences built
 * on the primitives live in {@link AbstractConnection}.
 *
 * <p>An accepted connection is its own thread's task ({@link #run}), which saves a task object per client.
 */
public final class SocketConnection extends ConnectionLifecycle implements Threads.SelfCounting {

    public SocketConnection(long id, ConnectionHost runtime, AcceptingServer server, ConnectOptions options,
                     InetSocketAddress remote) {
        super(id, runtime, server, options, remote);
    }

    /**
     * Layers TLS over this connection and shakes hands on the calling thread, which must be the connection's own
     * (its handler, event or connecting thread). A connection that is still connecting opens when the handshake
     * completes (implicit TLS); an open one ({@code startTls}, with its byte path locked by the caller) stays open.
     * On failure the classified error is thrown and the caller closes the connection (after reporting it, for an
     * event thread): a connection whose handshake failed never opens, so no handler sees it.
     *
     * @param consumed bytes a server already read from the peer (the start of the client's handshake), or null
     */
    public void secure(TlsOptions o, byte[] consumed) throws InetException {
        TlsLayer layer;
        boolean upgrade;
        lock();
        try {
            if (isClosedState()) {
                throw new InetException(InetError.NOT_CONNECTED, "connection to " + remoteAddress() + " is closed");
            }
            upgrade = isOpenState();
            layer = server != null ? TlsLayer.server(socket, o, consumed)
                    : TlsLayer.client(socket, o, remote.getHostString(), remote.getPort());
            tls = layer;
        } catch (IOException e) {
            throw failure(e, "TLS setup");
        } finally {
            unlock();
        }
        try {
            layer.handshake(runtime.watchdog(), Sockets.timeoutMillis(options.readTimeout()));
            if (upgrade) {
                io.reopen(layer.socket());
            } else if (!markOpen()) {
                throw new InetException(InetError.NOT_CONNECTED, "connection to " + remoteAddress() + " is closed");
            }
        } catch (IOException e) {
            throw isClosedState() || e instanceof InetException ? failure(e, "TLS handshake")
                    : layer.failure(e);
        }
    }

    /**
     * The body of an accepted connection's thread: its server's handler ({@code ListeningServer.serve} in {@code internal.server}). The
     * connection is the thread's task itself, which saves a task object per client, and reports its own end to the
     * runtime's count and to its server's thread record (which must then drop it: a dead thread keeps its task).
     */
    @Override
    public void run() {
        try {
            server.serve(this);
        } finally {
            try {
                server.threadEnded();
            } finally {
                runtime.threads().ended();
            }
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        return io.read(b, off, len);
    }

    @Override
    public void readFully(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        int got = io.readFully(b, off, len);
        if (got < len) {
            throw new InetException(InetError.NOT_CONNECTED,
                    "stream from " + remoteAddress() + " ended after " + got + " of " + len + " bytes");
        }
    }

    @Override
    public String readLine() throws InetException {
        return io.readLine();
    }

    @Override
    public int peek(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        return io.peek(b, off, len);
    }

    @Override
    public int available() {
        return isOpenState() ? io.available() : 0;
    }

    @Override
    public void write(byte[] b, int off, int len) throws InetException {
        checkRange(b, off, len);
        io.write(b, off, len);
    }

    @Override
    public void shutdownOutput() throws InetException {
        io.shutdownOutput();
    }


    @Override
    public boolean isConnected() {
        return isOpenState() && !io.eof();
    }

    @Override
    public boolean isServerStopping() {
        return server != null && server.isStopping();
    }

    @Override
    public InetSocketAddress localAddress() {
        Socket s = socket;
        return s != null && s.getLocalSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public ProxyHeader proxyHeader() {
        return proxyHeader;
    }

    @Override
    public InetSocketAddress proxyAddress() {
        if (proxyHeader == null) {
            return null;
        }
        Socket s = socket; // the TCP peer: the proxy (not kept as a field of its own)
        return s != null && s.getRemoteSocketAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(io.activity().idleNanos(System.nanoTime()));
    }


    @Override
    public void disconnect() throws InetException {
        long start = System.nanoTime();
        Thread t = closeOnce(null);
        // a TLS close_notify may have taken part of the deadline: the whole call stays within it
        join(t, "connection " + remoteAddress() + " is closed, but its thread", options.joinDeadline().minusNanos(
                Math.min(System.nanoTime() - start, options.joinDeadline().toNanos() / 2)));
    }

    /** Joins {@code t} (not the caller: L5) against the join deadline; reports it if it outlives it (L6). */
    private void join(Thread t, String whose) throws InetException {
        join(t, whose, options.joinDeadline());
    }

    private void join(Thread t, String whose, Duration deadline) throws InetException {
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        List<String> stragglers = runtime.join(List.of(t), deadline);
        if (!stragglers.isEmpty()) {
            throw new InetException(InetError.THREAD_NOT_TERMINATED,
                    whose + " ignored the interrupt for " + options.joinDeadline(), null, stragglers);
        }
    }

    @Override
    public void abort() throws InetException {
        Socket s = socket;
        if (s != null && !isClosedState()) {
            try {
                s.setSoLinger(true, 0);
            } catch (IOException alreadyClosed) {
                // nothing left to abort
            }
        }
        disconnect();
    }


    @Override
    public void enableEvents(EventHandler handler, Set<Event> mask) throws InetException {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(mask, "events");
        EnumSet<Event> copy = mask.isEmpty() ? EnumSet.noneOf(Event.class) : EnumSet.copyOf(mask);
        lock();
        try {
            ensureOpen();
            Thread m = manager;
            if (m != null) {
                throw new InetException(InetError.INVALID_ARGUMENT, remoteAddress() + " is already managed by thread "
                        + m.getName() + " (a server handler or an event thread)");
            }
            EventPump pump = new EventPump(this, handler, copy);
            events = pump;
            String name = "socketloom-events-" + threadName().substring("socketloom-".length());
            if (!startManager(name, pump, runtime.threads())) {
                events = null;
                throw new InetException(InetError.NOT_CONNECTED, "connection to " + remoteAddress() + " is closed");
            }
        } finally {
            unlock();
        }
    }

    /** Installs the pump of an async connect (or of a handler running events inline) before it runs. */
    public void installPump(EventPump pump) {
        events = pump;
    }

    @Override
    public void disableEvents() throws InetException {
        EventPump pump;
        Thread t;
        lock();
        try {
            pump = events;
            if (pump == null) {
                return;
            }
            t = manager;
            // the canceled pump stays installed until its thread ends (pumpEnded): a callback still running finds
            // its I/O gate through it, so that a blocked read is woken without closing the socket
            pump.cancel();
        } finally {
            unlock();
        }
        if (t == null || t == Thread.currentThread()) {
            return; // from the event thread itself: it stops after the running callback and clears itself (pumpEnded)
        }
        try {
            join(t, "event thread of " + remoteAddress());
        } catch (InetException e) {
            pump.abandon(); // we answer now: nothing may start after it, not even CANCEL (L4)
            throw e;
        }
        lock();
        try {
            if (manager == t) {
                manager = null;
            }
            if (events == pump) {
                events = null;
            }
        } finally {
            unlock();
        }
    }

    @Override
    public boolean eventsEnabled() {
        EventPump pump = events;
        return pump != null && !pump.isCanceled();
    }

    /** Called by the pump's thread when the pump ends (EOF, error, cancel). */
    void pumpEnded(EventPump pump) {
        lock();
        try {
            if (events == pump) {
                events = null;
            }
            if (!pump.isInline() && manager == Thread.currentThread() && !isClosedState()) {
                manager = null; // an event thread (not a server handler running the pump inline) is done
            }
        } finally {
            unlock();
        }
    }


    @Override
    public boolean isSecure() {
        TlsLayer layer = tls;
        return layer != null && layer.established();
    }

    @Override
    public Optional<TlsInfo> tlsInfo() {
        TlsLayer layer = tls;
        return Optional.ofNullable(layer == null ? null : layer.info());
    }

    @Override
    public void startTls(TlsOptions o) throws InetException {
        Objects.requireNonNull(o, "options");
        if (server != null && !o.hasKeyMaterial()) {
            throw new InetException(InetError.INVALID_ARGUMENT, "startTls on the server side needs key material");
        }
        byte[] pending = io.beginUpgrade(tls != null);
        try {
            if (server == null && pending.length > 0) {
                closeOnce(null);
                throw new InetException(InetError.TLS_HANDSHAKE_FAILED, remoteAddress() + " sent " + pending.length
                        + " bytes of plaintext before the TLS handshake (a STARTTLS injection?); disconnected");
            }
            secure(o, pending);
        } catch (InetException e) {
            // the peer's failure, not the end a disconnect of ours made (which leaves the connection closed first)
            boolean handshakeFailed = server != null && !isClosedState();
            closeOnce(null);
            if (handshakeFailed) {
                server.startTlsFailed();
            }
            throw e;
        } finally {
            io.endUpgrade();
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id() + " " + remoteAddress() + " " + stateName() + "]";
    }
}
