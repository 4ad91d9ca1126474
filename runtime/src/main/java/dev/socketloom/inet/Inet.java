package dev.socketloom.inet;

import static dev.socketloom.inet.InetCalls.call;
import static dev.socketloom.inet.InetHandles.connection;
import static dev.socketloom.inet.InetHandles.server;
import static dev.socketloom.inet.InetCalls.checkLength;
import static dev.socketloom.inet.InetCalls.ok;
import static dev.socketloom.inet.InetCalls.run;
import static dev.socketloom.inet.InetCalls.requireProc;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.TlsOptions;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * SocketWrench-compatible facade for porting C code: static methods over opaque {@code int} handles that never
 * throw, but return {@link #INET_ERROR} / {@link #INVALID_SOCKET} (or {@code false} / {@code null}) and set a
 * per-thread last error read with {@link #getLastError()}.
 *
 * <p><b>Lifecycle.</b> {@link #initialize()} opens one process-wide {@link dev.socketloom.SocketRuntime};
 * {@link #uninitialize()} closes it ({@linkplain dev.socketloom##L8 L8}) and invalidates every handle. A handle is valid from the call that
 * returned it until {@link #disconnect} (or, for a server's client, until its session ends). Handle values may be
 * reused afterwards, but a stale handle always fails with {@link InetError#INVALID_HANDLE} and never reaches the new
 * connection ({@linkplain dev.socketloom##L7 L7}).
 *
 * <p><b>Threading.</b> Every method is thread-safe. Last errors are per thread. Event procedures run on the
 * connection's own virtual thread (for a server: the accepted client's thread) and may call any method here,
 * including {@code disconnect} of their own handle ({@linkplain dev.socketloom##L5 L5}).
 */
public final class Inet implements InetConstants {
    private Inet() {
    }

    // ------------------------------------------------------------------ initialization

    /**
     * Opens the process-wide runtime (InetInitialize); calling it again while initialized is harmless.
     *
     * @return true
     */
    public static boolean initialize() {
        InetRuntime.open();
        return ok(true);
    }

    /**
     * Disconnects every server and connection, joins every thread and invalidates every handle (InetUninitialize,
     * {@linkplain dev.socketloom##L8 L8}).
     *
     * @return true, or false (last error THREAD_NOT_TERMINATED) if some handler ignored its interrupt
     */
    public static boolean uninitialize() {
        return call(() -> {
            InetRuntime.close();
            return true;
        }, false);
    }

    // ------------------------------------------------------------------ errors

    /** {@return the last error of the calling thread, as an {@link InetError#code()}; 0 after a successful call} */
    public static int getLastError() {
        return InetCalls.lastError().code();
    }

    /**
     * Sets the calling thread's last error (unknown codes become IO_ERROR).
     *
     * @param code an {@link InetError#code()}
     */
    public static void setLastError(int code) {
        InetError e = InetError.fromCode(code);
        InetCalls.setLastError(e == null ? InetError.IO_ERROR : e);
    }

    /**
     * {@return a readable description of an error code}
     *
     * @param code an {@link InetError#code()}
     */
    public static String getErrorString(int code) {
        InetError e = InetError.fromCode(code);
        return e == null ? "Unknown error " + code : e.description();
    }

    // ------------------------------------------------------------------ client connections

    /**
     * Connects and returns a handle (InetConnect / InetConnectEx), or {@link #INVALID_SOCKET}.
     *
     * @param host       the host name or address literal
     * @param port       the port
     * @param timeoutSec connect, read and write timeout in seconds; 0 means none
     * @param options    {@code INET_OPTION_*} bits
     * @return the new handle, or {@link #INVALID_SOCKET}
     */
    public static int connect(String host, int port, int timeoutSec, int options) {
        return connect(host, port, timeoutSec, options, null);
    }

    /**
     * Connects with security credentials (InetConnect's {@code lpCredentials}): with {@link #INET_OPTION_SECURE}, the
     * TLS handshake uses {@code credentials} (a client certificate for mutual TLS, a CA bundle to trust, ALPN, ...).
     * A failed handshake returns {@link #INVALID_SOCKET} with the TLS error as last error.
     *
     * @param host        the host name or address literal
     * @param port        the port
     * @param timeoutSec  connect, read and write timeout in seconds; 0 means none
     * @param options     {@code INET_OPTION_*} bits
     * @param credentials the client's TLS options (used with {@link #INET_OPTION_SECURE}), or null
     * @return the new handle, or {@link #INVALID_SOCKET}
     */
    public static int connect(String host, int port, int timeoutSec, int options, TlsOptions credentials) {
        return call(() -> InetSessions.connect(host, port, timeoutSec, options, credentials), INVALID_SOCKET);
    }

    /**
     * Starts connecting and returns a handle at once (InetAsyncConnect); {@code proc} then receives
     * {@link #INET_EVENT_CONNECT} or {@link #INET_EVENT_ERROR} and further events of {@code eventMask}.
     *
     * @param host       the host name or address literal
     * @param port       the port
     * @param timeoutSec connect, read and write timeout in seconds; 0 means none
     * @param options    {@code INET_OPTION_*} bits
     * @param eventMask  the events to deliver, as for {@link #enableEvents}
     * @param proc       receives the events
     * @return the new handle, or {@link #INVALID_SOCKET}
     */
    public static int asyncConnect(String host, int port, int timeoutSec, int options, int eventMask,
                                   InetEventProc proc) {
        return call(() -> InetSessions.asyncConnect(host, port, timeoutSec, options, eventMask, proc),
                INVALID_SOCKET);
    }

    // ------------------------------------------------------------------ servers

    /**
     * Starts a server (InetServerStart) and returns its handle. Every accepted client gets its own handle and its own
     * virtual thread, on which {@code proc} receives CONNECT, then READ / TIMEOUT, and DISCONNECT when the client
     * leaves; the client's handle is invalid once its session ends.
     *
     * @param localHost  address to listen on, or null / "" for every address
     * @param port       port to listen on (0 for an ephemeral port, see {@link #serverPort})
     * @param backlog    listen backlog (0 for the default)
     * @param maxClients maximum simultaneous clients (0 for unlimited)
     * @param timeoutSec idle timeout of clients in seconds (0 for none)
     * @param options    {@code INET_OPTION_*} bits for the clients, plus {@link #INET_OPTION_PROXY_PROTOCOL}
     * @param proc       receives every client's events
     * @return the server's handle, or {@link #INVALID_SOCKET}
     */
    public static int serverStart(String localHost, int port, int backlog, int maxClients, int timeoutSec,
                                  int options, InetEventProc proc) {
        return serverStart(localHost, port, backlog, maxClients, timeoutSec, options, null, proc);
    }

    /**
     * Starts a secure server (InetServerStart with {@code lpCredentials}): {@code options} include
     * {@link #INET_OPTION_SECURE} and {@code credentials} carry the server's certificate and key (for example
     * {@code TlsOptions.builder().keyMaterial(certPem, keyPem).build()}). Each client's TLS handshake runs on its own
     * virtual thread before CONNECT; a client whose handshake fails never gets a handle or an event.
     *
     * @param localHost   address to listen on, or null / "" for every address
     * @param port        port to listen on (0 for an ephemeral port, see {@link #serverPort})
     * @param backlog     listen backlog (0 for the default)
     * @param maxClients  maximum simultaneous clients (0 for unlimited)
     * @param timeoutSec  idle timeout of clients in seconds (0 for none)
     * @param options     {@code INET_OPTION_*} bits for the clients, plus {@link #INET_OPTION_PROXY_PROTOCOL}
     * @param credentials the server's TLS options, with certificate and key (used with {@link #INET_OPTION_SECURE}),
     *                    or null
     * @param proc        receives every client's events
     * @return the server's handle, or {@link #INVALID_SOCKET}
     */
    public static int serverStart(String localHost, int port, int backlog, int maxClients, int timeoutSec,
                                  int options, TlsOptions credentials, InetEventProc proc) {
        return call(() -> InetSessions.serverStart(localHost, port, backlog, maxClients, timeoutSec, options,
                credentials, proc), INVALID_SOCKET);
    }

    /**
     * Stops a server gracefully ({@linkplain dev.socketloom##L3 L3}): stops accepting, gives running clients up to
     * {@code graceSec} seconds to finish, then disconnects the rest. The handle is invalid afterwards.
     *
     * @param handle the server's handle
     * @param graceSec how long running clients may take to finish, in seconds
     * @return the number of forced clients, or {@link #INET_ERROR}
     */
    public static int serverStop(int handle, int graceSec) {
        return call(() -> InetSessions.serverStop(handle, graceSec), INET_ERROR);
    }

    /**
     * Suspends accepting (InetServerSuspend).
     *
     * @param handle the server's handle
     * @return 0 or {@link #INET_ERROR}
     */
    public static int serverSuspend(int handle) {
        return run(() -> server(handle).suspend());
    }

    /**
     * Resumes accepting (InetServerResume).
     *
     * @param handle the server's handle
     * @return 0 or {@link #INET_ERROR}
     */
    public static int serverResume(int handle) {
        return run(() -> server(handle).resume());
    }

    /**
     * Changes accept limits (InetServerThrottle); 0 means unlimited.
     *
     * @param handle the server's handle
     * @param maxClients           maximum simultaneous clients
     * @param maxClientsPerAddress maximum simultaneous clients from one remote address
     * @param minIntervalMs        minimum time between two accepts, in milliseconds
     * @return 0 or {@link #INET_ERROR}
     */
    public static int serverThrottle(int handle, int maxClients, int maxClientsPerAddress, int minIntervalMs) {
        return run(() -> InetSessions.serverThrottle(handle, maxClients, maxClientsPerAddress, minIntervalMs));
    }

    /**
     * Sends {@code len} bytes to every client (InetServerBroadcast).
     *
     * @param handle the server's handle
     * @param buf    the bytes to send
     * @param len    how many of them
     * @return the number of clients reached, or {@link #INET_ERROR}
     */
    public static int serverBroadcast(int handle, byte[] buf, int len) {
        return call(() -> server(handle).broadcast(Arrays.copyOf(buf, checkLength(buf, len))), INET_ERROR);
    }

    /**
     * {@return the server's local port, or {@link #INET_ERROR}}
     *
     * @param handle the server's handle
     */
    public static int serverPort(int handle) {
        return call(() -> server(handle).port(), INET_ERROR);
    }

    /**
     * {@return the server's number of connected clients, or {@link #INET_ERROR}}
     *
     * @param handle the server's handle
     */
    public static int serverClientCount(int handle) {
        return call(() -> server(handle).clientCount(), INET_ERROR);
    }

    // ------------------------------------------------------------------ I/O

    /**
     * Reads up to {@code len} bytes (InetRead).
     *
     * @param handle the connection's handle
     * @param buf    the buffer to read into
     * @param len    the maximum number of bytes to read
     * @return the count, 0 at end of stream, or {@link #INET_ERROR}
     */
    public static int read(int handle, byte[] buf, int len) {
        return call(() -> Math.max(0, connection(handle).read(buf, 0, checkLength(buf, len))), INET_ERROR);
    }

    /**
     * Copies up to {@code len} received bytes without consuming them (InetPeek); like {@link #read}.
     *
     * @param handle the connection's handle
     * @param buf    the buffer to copy into
     * @param len    the maximum number of bytes to copy
     * @return the count, 0 at end of stream, or {@link #INET_ERROR}
     */
    public static int peek(int handle, byte[] buf, int len) {
        return call(() -> Math.max(0, connection(handle).peek(buf, 0, checkLength(buf, len))), INET_ERROR);
    }

    /**
     * Reads one line (InetReadLine).
     *
     * @param handle the connection's handle
     * @return the line, or null: at end of stream with last error 0, on failure with the error set
     */
    public static String readLine(int handle) {
        return call(() -> connection(handle).readLine(), null);
    }

    /**
     * Writes {@code len} bytes (InetWrite).
     *
     * @param handle the connection's handle
     * @param buf    the bytes to write
     * @param len    how many of them
     * @return {@code len} or {@link #INET_ERROR}
     */
    public static int write(int handle, byte[] buf, int len) {
        return call(() -> {
            connection(handle).write(buf, 0, checkLength(buf, len));
            return len;
        }, INET_ERROR);
    }

    /**
     * Writes a line plus CRLF (InetWriteLine).
     *
     * @param handle the connection's handle
     * @param line   the line, without terminator
     * @return the bytes written or {@link #INET_ERROR}
     */
    public static int writeLine(int handle, String line) {
        return call(() -> {
            if (line == null) {
                throw new InetException(InetError.INVALID_ARGUMENT, "line must not be null");
            }
            connection(handle).writeLine(line);
            return line.getBytes(StandardCharsets.UTF_8).length + 2;
        }, INET_ERROR);
    }

    /**
     * {@return whether the handle names an open connection (InetIsConnected)}
     *
     * @param handle the connection's handle
     */
    public static boolean isConnected(int handle) {
        return call(() -> connection(handle).isConnected(), false);
    }

    /**
     * {@return whether a read would not block, waiting up to {@code timeoutMs} (InetIsReadable)} True at end of
     * stream, since a read then returns at once.
     *
     * @param handle the connection's handle
     * @param timeoutMs how long to wait for data, in milliseconds
     */
    public static boolean isReadable(int handle, int timeoutMs) {
        return call(() -> InetSessions.isReadable(handle, timeoutMs), false);
    }

    /**
     * {@return whether the connection takes writes (InetIsWritable): as {@link #isConnected}, it is open and the peer
     * has not ended its stream} Blocking sockets cannot report free send-buffer space; a write blocks (bounded by the
     * write timeout) when it is full.
     *
     * @param handle the connection's handle
     */
    public static boolean isWritable(int handle) {
        return call(() -> connection(handle).isConnected(), false);
    }

    /**
     * {@return the bytes readable without blocking, or {@link #INET_ERROR}}
     *
     * @param handle the connection's handle
     */
    public static int available(int handle) {
        return call(() -> connection(handle).available(), INET_ERROR);
    }

    // ------------------------------------------------------------------ events and disconnect

    /**
     * Delivers the events in {@code eventMask} (bit {@code 1 << INET_EVENT_x}) to {@code proc} on a new virtual
     * thread (InetEnableEvents).
     *
     * @param handle the connection's handle
     * @param eventMask the events to deliver
     * @param proc      receives the events
     * @return 0 or {@link #INET_ERROR}
     */
    public static int enableEvents(int handle, int eventMask, InetEventProc proc) {
        return call(() -> {
            requireProc(proc);
            connection(handle).enableEvents(InetCodes.adapt(new int[] {handle}, proc),
                    InetCodes.events(eventMask));
            return 0;
        }, INET_ERROR);
    }

    /**
     * Stops event delivery (InetDisableEvents); when it returns no callback runs ({@linkplain dev.socketloom##L4 L4}).
     *
     * @param handle the connection's handle
     * @return 0 or {@link #INET_ERROR}
     */
    public static int disableEvents(int handle) {
        return run(() -> connection(handle).disableEvents());
    }

    /**
     * Terminates a connection or a server (InetDisconnect) and invalidates the handle. For a server handle, every
     * active client is disconnected, the listening socket closed and the server thread ended ({@linkplain
     * dev.socketloom##L2 L2}).
     *
     * @param handle a connection's or a server's handle
     * @return 0, or {@link #INET_ERROR} with INVALID_HANDLE (stale or unknown handle) or THREAD_NOT_TERMINATED
     *         ({@linkplain dev.socketloom##L6 L6}: closed, but a handler ignored its interrupt; the handle is invalid
     *         all the same)
     */
    public static int disconnect(int handle) {
        return run(() -> InetSessions.disconnect(handle));
    }

    /** {@return the number of live handles (connections and servers), for diagnostics} */
    public static int handleCount() {
        return InetHandles.size();
    }
}
