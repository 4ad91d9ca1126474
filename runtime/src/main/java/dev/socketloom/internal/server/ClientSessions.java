package dev.socketloom.internal.server;

import dev.socketloom.ConnectOptions;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.internal.connection.ClientRegistry;
import dev.socketloom.internal.connection.CloseCause;
import dev.socketloom.internal.connection.LifecycleEvents;
import dev.socketloom.internal.connection.SocketConnection;
import dev.socketloom.internal.dial.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server's clients from accept to close: {@link #dispatch} registers each admitted socket and starts its thread
 * (on the acceptor thread, without blocking), {@link #serve} is that thread's body - the setup of {@link ClientSetup}
 * (PROXY header, TLS handshake), then the handler, then the close - and both count what the server's stats report
 * (accepted clients, handler failures). A handler's failure is logged, counted and reported as a JFR event, unless the
 * server closed the connection itself, in which case whatever the handler throws is the close's doing.
 */
final class ClientSessions {
    private static final System.Logger LOG = System.getLogger("dev.socketloom");

    private final ServerHost runtime;
    private final ListeningServer server;
    private final ConnectOptions clientOptions;
    private final ConnectionHandler handler;
    private final ClientSetup setup;
    private final ClientRegistry clients;
    private final ClientThreads threads;
    private final Acceptor acceptor;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    /** {@code clientOptions}: the server's effective client options, one instance shared by all its clients. */
    ClientSessions(ServerHost runtime, ListeningServer server, ConnectOptions clientOptions, ConnectionHandler handler,
                   ClientSetup setup, ClientRegistry clients, ClientThreads threads, Acceptor acceptor) {
        this.runtime = runtime;
        this.server = server;
        this.clientOptions = clientOptions;
        this.handler = handler;
        this.setup = setup;
        this.clients = clients;
        this.threads = threads;
        this.acceptor = acceptor;
    }

    /**
     * Runs on the acceptor thread for every admitted socket: registers the client and starts its thread. A client
     * with a preface to read (PROXY header) stays unopened until its own thread has read it ({@link ClientSetup}).
     */
    void dispatch(Socket s) {
        InetSocketAddress remote = (InetSocketAddress) s.getRemoteSocketAddress();
        // null: the connection asks its socket for the address (one field less per idle connection)
        SocketConnection c = new SocketConnection(runtime.nextConnectionId(), runtime, server, clientOptions, null);
        boolean opensOnOwnThread = setup.opensOnClientThread();
        try {
            Sockets.configure(s, clientOptions);
            c.attach(s);
            if (!opensOnOwnThread) {
                c.markOpen(); // otherwise it opens on its own thread, after its PROXY header or handshake (serve)
            }
        } catch (IOException e) {
            acceptor.reject(s);
            return;
        }
        clients.add(c, !setup.readsProxyHeader());
        try {
            runtime.adopt(c);
        } catch (InetException closed) {
            return; // the runtime is closing; adopt() already closed the connection
        }
        if (c.startManager(Sockets.clientThreadName(remote), c, threads)) { // the connection's run() is serve(c)
            if (!opensOnOwnThread) {
                accepted.increment();
            }
        } else {
            c.closeOnce(null, CloseCause.SERVER_STOP); // stopping: the client is closed instead of served
        }
    }

    /**
     * The body of a client's thread (through {@link SocketConnection#run()}): its setup (PROXY header, later TLS),
     * then the handler.
     */
    void serve(SocketConnection c) {
        CloseCause cause = null; // a handler that returns: PEER after end of stream, else LOCAL
        try {
            if (setup.run(c)) {
                if (setup.opensOnClientThread()) {
                    accepted.increment();
                }
                handler.handle(c);
            }
        } catch (Throwable t) {
            // once we closed the connection (disconnect, stop, expiry) whatever the handler throws is our doing
            if (!c.isClosedState()) {
                handlerFailures.increment();
                cause = CloseCause.ofFailure(t);
                LifecycleEvents.handlerFailed(c, null, t);
                if (t instanceof InetException ie && ie.error() == InetError.CONNECTION_RESET) {
                    // a peer that resets is routine for a server (every abortive client close): a WARNING with a
                    // stack trace per client cost more than the whole connection
                    LOG.log(System.Logger.Level.DEBUG, "handler for {0} ended: connection reset by the peer",
                            c.remoteAddress());
                } else {
                    LOG.log(System.Logger.Level.WARNING, "handler for " + c.remoteAddress() + " failed", t);
                }
            }
        } finally {
            c.closeOnce(null, cause);
        }
    }

    long accepted() {
        return accepted.sum();
    }

    long handlerFailures() {
        return handlerFailures.sum();
    }
}
