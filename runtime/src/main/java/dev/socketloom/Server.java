package dev.socketloom;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A listening server (SocketWrench {@code InetServerStart}): an acceptor on its own platform thread
 * ({@code socketloom-server-<port>-acceptor}) and one virtual thread per accepted client running the
 * {@link ConnectionHandler}.
 *
 * <p><b>Lifecycle.</b> Running from {@link SocketRuntime#startServer} until {@link #disconnect()} (= {@link #close()}),
 * {@link #stop(Duration)} or the runtime's close. {@code disconnect()} closes the listening socket and every client
 * first, then joins the acceptor and every client thread against one deadline ({@linkplain dev.socketloom##L2 L2}):
 * when it returns nothing of the server runs or is open, {@code clientCount() == 0}, and the port can be bound again
 * at once; a thread that outlived the deadline is reported, never hidden ({@linkplain dev.socketloom##L6 L6}). Because
 * nothing is joined before everything is closed, a stop is prompt also while handlers keep every carrier thread busy
 * (see {@linkplain dev.socketloom##saturation Under load}). Every stop is idempotent, thread-safe and safe to call
 * from a handler, which it does not join ({@linkplain dev.socketloom##L5 L5}). A failing {@code accept()} never ends
 * the server: the acceptor backs off and resumes ({@linkplain dev.socketloom##L12 L12}).
 *
 * <p><b>Threading.</b> All methods are thread-safe and may be called from any thread, handlers included. Only
 * {@link #stop(Duration)}, {@link #disconnect()}, {@link #broadcast(byte[])} and {@link #awaitTermination(Duration)}
 * block, each for a bounded time.
 */
public interface Server extends AutoCloseable {

    /** {@return the bound local port (the real one when {@link ServerOptions#port()} was 0)} */
    int port();

    /** {@return the bound local address} */
    InetSocketAddress localAddress();

    /**
     * {@return the clients connected right now (with the PROXY protocol on, those still sending their header
     * included)}
     */
    int clientCount();

    /**
     * A snapshot of the connected clients (addresses, idle times); they may disconnect at any moment. With the PROXY
     * protocol on, a client is listed once its header has been read (and, on a TLS server, its handshake completed),
     * under the original client's address; without it, a TLS client is listed while it shakes hands too.
     *
     * @return the connected clients
     */
    List<Connection> clients();

    /** {@return the counters since start} */
    ServerStats stats();

    /** {@return whether the server is accepting (running and not suspended)} */
    boolean isAccepting();

    /**
     * {@return whether the server is still running} Turns false during {@code disconnect()} or {@code stop()} once the
     * listening socket is closed and the acceptor has ended, so from then on new connections are refused.
     */
    boolean isRunning();

    /**
     * {@return whether a stop has begun} True from the start of {@link #stop(Duration)}, {@link #disconnect()} or the
     * runtime's close on, and stays true. During a graceful stop's grace period this is how a handler (through
     * {@link Connection#isServerStopping()}) or the application learns that the server wants its clients to finish:
     * blocked reads are not woken by it, so the usual way to tell the clients is {@link #broadcastLine(String)} from
     * the thread that manages the server, and a handler checks the flag after each read.
     */
    boolean isStopping();

    /**
     * Stops dispatching new clients (SocketWrench {@code InetServerSuspend}): connections that arrive while suspended
     * wait in the OS backlog (up to {@link ServerOptions#backlog()}) and are served after {@link #resume()}. Running
     * clients are not affected.
     *
     * @throws InetException SERVER_STOPPED after a stop or disconnect
     */
    void suspend() throws InetException;

    /**
     * Resumes accepting after {@link #suspend()}.
     *
     * @throws InetException SERVER_STOPPED after a stop or disconnect
     */
    void resume() throws InetException;

    /**
     * Changes the accept limits at run time (SocketWrench {@code InetServerThrottle}); 0 / zero means unlimited.
     * Connections over a limit are closed right after accept and counted in {@link ServerStats#rejected()}.
     *
     * @param maxClients           as {@link ServerOptions#maxClients()}
     * @param maxClientsPerAddress as {@link ServerOptions#maxClientsPerAddress()}
     * @param minAcceptInterval    as {@link ServerOptions#minAcceptInterval()}
     * @throws InetException INVALID_ARGUMENT for a negative limit, SERVER_STOPPED after a stop or disconnect
     */
    void throttle(int maxClients, int maxClientsPerAddress, Duration minAcceptInterval) throws InetException;

    /**
     * Queues {@code data} (not copied: do not change it afterwards) to every connected client's outbound queue and
     * returns at once, never waiting for a peer. One writer thread per client drains its queue in order, under the
     * client's write lock (never mid-way through the handler's own write) and write timeout. A client whose queue would
     * pass {@link ServerOptions#broadcastQueueLimit()} is aborted as a slow consumer and counted in
     * {@link ServerStats#slowConsumers()}; disconnect, stop and the runtime's close join the writers.
     *
     * <p>A broadcast works while the server runs and during a graceful stop's grace period (so that a server can
     * warn the clients it is waiting for); it fails once the stop starts disconnecting them.
     *
     * @param data the bytes to send
     * @return the number of clients the message was queued to
     * @throws InetException INVALID_ARGUMENT if {@code data} is null; SERVER_STOPPED once a disconnect, the runtime's close or the forced end of a stop began
     */
    default int broadcast(byte[] data) throws InetException {
        return broadcast(data, null);
    }

    /**
     * {@link #broadcast(byte[])} to every client but {@code except}: a chat server relays a message to all the
     * others.
     *
     * @param data   the bytes to send
     * @param except the client to skip (usually the sender), or null for none
     * @return the number of clients the whole message was written to before this returned
     * @throws InetException as {@link #broadcast(byte[])}
     */
    int broadcast(byte[] data, Connection except) throws InetException;

    /**
     * {@link #broadcast(byte[])} of {@code line} in UTF-8 followed by CRLF, as {@link Connection#writeLine} frames it.
     *
     * @param line the line, without terminator
     * @return the number of clients the whole line was written to before this returned
     * @throws InetException as {@link #broadcast(byte[])}
     */
    default int broadcastLine(String line) throws InetException {
        return broadcastLine(line, null);
    }

    /**
     * {@link #broadcastLine(String)} to every client but {@code except}.
     *
     * @param line   the line, without terminator
     * @param except the client to skip (usually the sender), or null for none
     * @return the number of clients the whole line was written to before this returned
     * @throws InetException as {@link #broadcast(byte[])}
     */
    default int broadcastLine(String line, Connection except) throws InetException {
        java.util.Objects.requireNonNull(line, "line");
        return broadcast((line + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), except);
    }

    /**
     * Graceful stop ({@linkplain dev.socketloom##L3 L3}): closes the listener at once (new connections are refused
     * from the return of the first step on, so a load balancer sends them elsewhere), lets running handlers finish on
     * their own for up to {@code grace}, then disconnects the rest as {@link #disconnect()} does.
     *
     * @param grace how long running handlers may take to finish on their own
     * @return how many handlers finished on their own, how many were forced, and the threads that outlived the join
     *         deadline even then (normally none)
     * @throws InetException INVALID_ARGUMENT for a negative grace
     */
    StopResult stop(Duration grace) throws InetException;

    /**
     * Terminates the server (SocketWrench {@code InetDisconnect} on a server handle, {@linkplain dev.socketloom##L2
     * L2}).
     *
     * @throws InetException THREAD_NOT_TERMINATED naming the threads that outlived the join deadline ({@linkplain
     *         dev.socketloom##L6 L6})
     */
    void disconnect() throws InetException;

    /** Same as {@link #disconnect()}. */
    @Override
    void close() throws InetException;

    /**
     * Replaces a TLS server's certificate, key and trust without a restart: handshakes that start after this returns
     * use {@code options}; connections already established keep theirs; no client is dropped.
     *
     * @param options the new TLS options, with key material
     * @throws InetException OPERATION_NOT_SUPPORTED for a plain server, INVALID_ARGUMENT for options without key
     *                       material, SERVER_STOPPED after a stop
     */
    void reloadTls(TlsOptions options) throws InetException;

    /**
     * Waits until the server has terminated (disconnected or stopped, all its threads joined).
     *
     * @param timeout the longest time to wait
     * @return true if terminated within {@code timeout}
     * @throws InterruptedException if the calling thread is interrupted while waiting
     * @throws NullPointerException  for a null {@code timeout}, with a message saying so
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;
}
