package dev.socketloom;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The owner of every connection, server and thread SocketLoom creates (SocketWrench {@code InetInitialize} /
 * {@code InetUninitialize}).
 *
 * <p><b>Lifecycle.</b> Open from {@link #open()} until {@link #close()}. {@code close()} first closes every server and
 * connection it owns, then joins every thread it started, once, against one deadline ({@linkplain dev.socketloom##L8
 * L8}); afterwards
 * the process holds no thread and no socket of it, and every method but {@code close()} fails with {@link
 * InetError#NOT_INITIALIZED}. While any server runs, one non-daemon keeper thread keeps the JVM alive (virtual threads
 * are daemons).
 *
 * <p>All methods are thread-safe. Several runtimes may coexist; each owns only what it created.
 */
public interface SocketRuntime extends AutoCloseable {

    /**
     * {@return a newly opened runtime}
     *
     * <p>The implementation is SocketLoom's own, found as the module's service provider of this interface (on the
     * class path: {@code META-INF/services/dev.socketloom.SocketRuntime} in the runtime's jar), so the API does not
     * name its implementation and the two do not depend on each other both ways. Only SocketLoom's own provider is
     * used; it is looked up once per class loader.
     *
     * @throws IllegalStateException if the runtime's jar was repackaged without its service file
     */
    static SocketRuntime open() {
        // looked up once (about 30 us on the class path), then every open() instantiates a new runtime from it
        final class Implementation {
            static final Optional<ServiceLoader.Provider<SocketRuntime>> PROVIDER = ServiceLoader
                    .load(SocketRuntime.class, SocketRuntime.class.getClassLoader()).stream()
                    .filter(p -> p.type().getName().startsWith("dev.socketloom.internal."))
                    .findFirst();
        }
        return Implementation.PROVIDER.orElseThrow(() -> new IllegalStateException("SocketLoom's runtime "
                + "implementation is not found: the jar was repackaged without "
                + "META-INF/services/dev.socketloom.SocketRuntime")).get();
    }

    /**
     * Connects with default options (SocketWrench {@code InetConnect}).
     *
     * @param host the host name or address literal
     * @param port the port
     * @return the connected connection
     * @throws InetException as {@link #connect(String, int, ConnectOptions)}
     */
    default Connection connect(String host, int port) throws InetException {
        return connect(host, port, ConnectOptions.DEFAULTS);
    }

    /**
     * Connects, blocking up to the connect timeout (SocketWrench {@code InetConnectEx}).
     *
     * <p>A name with several addresses (a fleet's records, IPv4 and IPv6) is connected the Happy Eyeballs way
     * (RFC 8305): every address is tried, in the resolver's order with the families interleaved, the next attempt
     * starting when the previous one failed or 250 ms after it started; the first to connect wins and the others are
     * closed, all within the one connect timeout. Attempts run on virtual threads of this runtime that have ended when
     * this returns. A local address in the options limits the attempts to its family.
     *
     * @param host    the host name or address literal
     * @param port    the port
     * @param options timeouts, local bind address and socket options of the connection
     * @return the connected connection
     * @throws InetException CONNECTION_REFUSED, HOST_NOT_FOUND, TIMEOUT, ADDRESS_IN_USE (local bind),
     *                       INVALID_ARGUMENT, NOT_INITIALIZED; with several addresses the message names each
     *                       address tried and how it failed (TIMEOUT if the connect timeout ended the dial, else
     *                       CONNECTION_REFUSED if any address refused, else the first address's error)
     */
    Connection connect(String host, int port, ConnectOptions options) throws InetException;

    /**
     * Starts connecting on the new connection's own virtual thread and returns at once (SocketWrench
     * {@code InetAsyncConnect}). That thread then delivers CONNECT (or ERROR) and further events to {@code handler}.
     * Every address of the host is tried as {@link #connect(String, int, ConnectOptions)} describes; a disconnect
     * meanwhile closes every attempt, and {@link Connection#remoteAddress()} is the address that answered.
     *
     * @param host    the host name or address literal
     * @param port    the port
     * @param options timeouts, local bind address and socket options of the connection
     * @param handler receives the connection's events
     * @return the connection, not connected yet
     * @throws InetException INVALID_ARGUMENT for a bad port, NOT_INITIALIZED after close
     */
    Connection connectAsync(String host, int port, ConnectOptions options, EventHandler handler) throws InetException;

    /**
     * Binds a listening socket (SO_REUSEADDR) and starts its acceptor (SocketWrench {@code InetServerStart}).
     *
     * @param options bind address, port, limits and client options
     * @param handler the per-client body, run on each client's own virtual thread
     * @return the running server
     * @throws InetException ADDRESS_IN_USE, ADDRESS_NOT_AVAILABLE, NOT_INITIALIZED
     */
    Server startServer(ServerOptions options, ConnectionHandler handler) throws InetException;

    /** {@return a snapshot of the live connections this runtime owns (client side and accepted)} */
    List<Connection> connections();

    /** {@return a snapshot of the running servers} */
    List<Server> servers();

    /** {@return the number of threads this runtime started that have not terminated yet} */
    int liveThreadCount();

    /** {@return whether {@link #close()} has been called} */
    boolean isClosed();

    /**
     * Disconnects everything and joins every thread ({@linkplain dev.socketloom##L8 L8}). Idempotent and thread-safe.
     *
     * @throws InetException THREAD_NOT_TERMINATED naming stragglers ({@linkplain dev.socketloom##L6 L6}); everything is
     *         closed all the same
     */
    @Override
    void close() throws InetException;
}
