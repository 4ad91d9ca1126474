package dev.socketloom;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * One TCP stream, client side ({@link SocketRuntime#connect}) or server side (handed to a {@link ConnectionHandler}).
 *
 * <p><b>Threading.</b> Reads ({@code read}, {@code readLine}, {@code peek}, {@link #inputStream()}) are serialized by
 * one lock and writes ({@code write}, {@code writeLine}, {@link #outputStream()}) by another, so one reader and one
 * writer may work concurrently and a {@code writeLine} is never interleaved with another write. Every blocking call
 * runs on the caller's thread and honours the connection's timeouts ({@linkplain dev.socketloom##L10 L10}). Nothing
 * here holds a monitor while blocking, so virtual threads are never pinned.
 *
 * <p><b>Timeouts.</b> What a timeout leaves behind, for every blocking call:
 * <ul>
 *   <li>The <em>read timeout</em> ({@code read}, {@code readFully}, {@code readLine}, {@code peek}) fails the call
 *   with {@link InetError#TIMEOUT}; the connection stays open and usable, its message says so, and nothing is
 *   consumed: a {@code readLine} or {@code readFully} that got part of its line or frame puts those bytes back, so a
 *   retry starts at the same byte ({@code read} and {@code peek} return as soon as one byte is there, so they never
 *   time out part-way). The destination array of a timed-out {@code readFully} holds the bytes that had arrived,
 *   but they count as unread.</li>
 *   <li>The <em>write timeout</em> and the <em>idle timeout</em> are enforced by the runtime, which closes the
 *   connection when one expires (with events enabled, the idle timeout is a TIMEOUT event instead). The calls in
 *   progress at that moment (a blocked read or write) fail with TIMEOUT, their message saying the connection is
 *   closed; every later call fails with {@link InetError#NOT_CONNECTED}, whose message names the expired timeout
 *   and whose cause is a TIMEOUT {@code InetException}. A caller that retries on TIMEOUT therefore stops at the
 *   first retry. Of a write that timed out, an unknown prefix may have reached the peer.</li>
 * </ul>
 *
 * <p><b>Lifecycle.</b> A connection is connected until {@link #disconnect()} (= {@link #close()}), {@link #abort()},
 * its server's disconnect, or its runtime's close. {@code disconnect()} closes the socket, interrupts and joins the
 * thread that manages the connection (its handler or event thread) and removes it from every registry; afterwards every
 * operation fails with {@link InetError#NOT_CONNECTED} ({@linkplain dev.socketloom##L1 L1}). It is idempotent,
 * thread-safe, and safe to call from the managing thread itself, which it then does not join ({@linkplain
 * dev.socketloom##L5 L5}). A managing thread that ignores interrupts is waited for only up to {@link
 * ConnectOptions#joinDeadline()} and reported as {@link InetError#THREAD_NOT_TERMINATED} ({@linkplain
 * dev.socketloom##L6 L6}).
 *
 * <p><b>TLS.</b> A connection is secure when TLS protects it: from the start (implicit TLS, {@link
 * ConnectOptions.Builder#tls} or {@link ServerOptions.Builder#tls}: the handshake completes before {@code connect}
 * returns or the handler runs) or from a {@link #startTls} on. The calls above work the same on a secure connection;
 * a graceful disconnect sends TLS close_notify first, {@link #abort()} does not (see {@linkplain dev.socketloom##L13
 * L13}).
 */
public interface Connection extends Closeable {

    /**
     * {@return a process-unique, never reused id of this connection (the {@code connectionId} of its JFR events)}
     */
    long id();

    /**
     * Reads up to {@code len} bytes into {@code buf}, blocking until at least one byte is available.
     *
     * @param buf the buffer to read into
     * @param off where in {@code buf} the bytes go
     * @param len the maximum number of bytes to read
     * @return the number of bytes read, or -1 at end of stream (the peer shut down its output)
     * @throws InetException TIMEOUT after the read timeout with no byte read (the connection stays usable), or
     *                       when the idle timeout closes the connection meanwhile (then closed); CONNECTION_RESET;
     *                       NOT_CONNECTED after a disconnect or once the runtime closed the connection (the cause
     *                       then names the expired timeout)
     */
    int read(byte[] buf, int off, int len) throws InetException;

    /**
     * Reads into the whole array; see {@link #read(byte[], int, int)}.
     *
     * @param buf the buffer to read into
     * @return the number of bytes read, or -1 at end of stream
     * @throws InetException as {@link #read(byte[], int, int)}
     */
    default int read(byte[] buf) throws InetException {
        return read(buf, 0, buf.length);
    }

    /**
     * Reads exactly {@code len} bytes, blocking as needed.
     *
     * @param buf the buffer to read into
     * @param off where in {@code buf} the bytes go
     * @param len the number of bytes to read
     * @throws InetException TIMEOUT after the read timeout: all or nothing, the bytes that had arrived are put back
     *                       for the retry (the message says how many) and the connection stays usable; NOT_CONNECTED
     *                       if the stream ends first (the bytes read so far are in {@code buf}); or any error of
     *                       {@link #read(byte[], int, int)}
     */
    void readFully(byte[] buf, int off, int len) throws InetException;

    /**
     * Reads one line terminated by LF or CRLF and decodes it as UTF-8, without the terminator.
     *
     * @return the line, the unterminated rest of the stream at end of stream, or {@code null} at end of stream
     * @throws InetException LINE_TOO_LONG if more than {@link ConnectOptions#maxLineLength()} bytes arrive without a
     *                       terminator; nothing is consumed then, so the bytes stay readable with {@code read};
     *                       TIMEOUT after the read timeout, keeping the part of the line that arrived for the retry;
     *                       or any error of {@link #read(byte[], int, int)}
     */
    String readLine() throws InetException;

    /**
     * Copies up to {@code len} received bytes into {@code buf} without consuming them; blocks (honouring the read
     * timeout) until at least one byte is available.
     *
     * @param buf the buffer to copy into
     * @param off where in {@code buf} the bytes go
     * @param len the maximum number of bytes to copy
     * @return the number of bytes copied, or -1 at end of stream
     * @throws InetException as {@link #read(byte[], int, int)}
     */
    int peek(byte[] buf, int off, int len) throws InetException;

    /**
     * {@return how many bytes can be read right now without blocking: the bytes already buffered if there are any
     * (without a system call), else what the socket holds; 0 if none or disconnected} Callable from any thread; while
     * events are on it counts what a callback left unconsumed. (Bytes of a line that another thread's blocked
     * {@code readLine} is still waiting to complete are not counted.) A read from another thread while events are on
     * waits at most for the end of the event thread's current 100 ms wait for data.
     */
    int available();

    /**
     * Writes all {@code len} bytes; when it returns they have been handed to the OS send buffer.
     *
     * @param buf the bytes to write
     * @param off where in {@code buf} they start
     * @param len how many to write
     * @throws InetException TIMEOUT when the write timeout expired while the socket accepted nothing (the runtime
     *                       then closed the connection; an unknown prefix of the bytes may have been sent),
     *                       CONNECTION_RESET, OUTPUT_SHUTDOWN, NOT_CONNECTED (after a disconnect, or once the runtime
     *                       closed the connection: the cause names the expired timeout)
     */
    void write(byte[] buf, int off, int len) throws InetException;

    /**
     * Writes the whole array; see {@link #write(byte[], int, int)}.
     *
     * @param buf the bytes to write
     * @throws InetException as {@link #write(byte[], int, int)}
     */
    default void write(byte[] buf) throws InetException {
        write(buf, 0, buf.length);
    }

    /**
     * Writes {@code line} in UTF-8 followed by CRLF, as one write that is never interleaved with another.
     *
     * @param line the line, without terminator
     * @throws InetException as {@link #write(byte[], int, int)}
     */
    void writeLine(String line) throws InetException;

    /**
     * Shuts down the output side (sends FIN); reading stays possible (half-close).
     *
     * @throws InetException NOT_CONNECTED, or the OS error
     */
    void shutdownOutput() throws InetException;

    /** {@return whether the connection is open: not disconnected, and no end of stream or error has been seen} */
    boolean isConnected();

    /**
     * {@return whether the server that accepted this connection has begun to stop} ({@link Server#isStopping()});
     * always false on the client side. A handler checks it after a read to finish on its own during a graceful
     * stop's grace period; the read itself is not woken by the stop.
     */
    boolean isServerStopping();

    /** {@return the local address, or {@code null} when not connected yet (an async connect in progress)} */
    InetSocketAddress localAddress();

    /**
     * The remote address (known before the connection is established). On a server with {@link
     * ServerOptions#proxyProtocol()} on it is the original client named by the PROXY header ({@linkplain
     * dev.socketloom##L14 L14}), from before the handler runs on; the TCP peer (the proxy) when the header carries no
     * client IP address (LOCAL command, UNSPEC/UNKNOWN or AF_UNIX family) or, in OPTIONAL mode, when none was sent.
     *
     * @return the remote address
     */
    InetSocketAddress remoteAddress();

    /**
     * The PROXY protocol header this connection arrived with (addresses, command, version 2 TLVs), or {@code null}
     * when there was none: client-side connections, servers without {@link ServerOptions#proxyProtocol()}, and
     * direct clients of an OPTIONAL server.
     *
     * @return the PROXY header, or {@code null}
     */
    ProxyHeader proxyHeader();

    /**
     * The TCP peer of a connection that arrived with a PROXY header, that is the proxy's own address; {@code null}
     * when there was no header (then {@link #remoteAddress()} is the TCP peer).
     *
     * @return the proxy's address, or {@code null}
     */
    InetSocketAddress proxyAddress();

    /** {@return the time since the last read or write activity} */
    Duration idleTime();

    /** {@return an {@link InputStream} view sharing this connection's buffer and lock; closing it disconnects} */
    InputStream inputStream();

    /** {@return an {@link OutputStream} view sharing this connection's lock; closing it disconnects} */
    OutputStream outputStream();

    /**
     * Terminates the connection (SocketWrench {@code InetDisconnect}, {@linkplain dev.socketloom##L1 L1}): closes the
     * socket, interrupts and joins the managing thread, removes the connection from its server and runtime. Idempotent
     * and thread-safe.
     *
     * @throws InetException THREAD_NOT_TERMINATED if the managing thread outlived the join deadline ({@linkplain
     *         dev.socketloom##L6 L6}); the socket is closed and the connection invalid all the same
     */
    void disconnect() throws InetException;

    /** Same as {@link #disconnect()}. */
    @Override
    void close() throws InetException;

    /**
     * Abortive close: sets SO_LINGER to 0 so the OS sends RST instead of FIN (no TIME_WAIT, {@linkplain
     * dev.socketloom##L11 L11}), then {@link #disconnect()}s. Unsent data is discarded.
     *
     * @throws InetException as {@link #disconnect()}
     */
    void abort() throws InetException;

    /**
     * Starts delivering {@code events} to {@code handler} on a new virtual thread that manages this connection
     * (SocketWrench {@code InetEnableEvents}). CONNECT is delivered first if it is in the mask.
     *
     * @param handler receives the events
     * @param events  the events to deliver
     * @throws InetException NOT_CONNECTED if disconnected, INVALID_ARGUMENT if events are already enabled or a
     *                       handler thread already manages this connection
     */
    void enableEvents(EventHandler handler, Set<Event> events) throws InetException;

    /**
     * Stops event delivery (SocketWrench {@code InetDisableEvents}) and joins the event thread (unless called from
     * it); when it returns - normally or with an exception - no callback runs or will start, CANCEL included
     * ({@linkplain dev.socketloom##L4 L4}). The connection stays open, and {@link #isConnected()} tells the truth.
     *
     * <p>What happens to a callback that is running (on the event thread):
     * <ul>
     *   <li>outside I/O of this connection (sleeping, waiting on a lock): it is interrupted;</li>
     *   <li>blocked in {@code read}, {@code readFully}, {@code readLine} or {@code peek} of this connection: it is not
     *   interrupted (an interrupt of a virtual thread blocked in a socket read closes the socket); the read waits in
     *   slices of 100 ms and fails with {@link InetError#OPERATION_CANCELED} at the next slice, the socket open and
     *   untouched - bytes a {@code readLine} or {@code peek} had buffered stay buffered for the next reader (a
     *   {@code readFully} returns the bytes it already copied into the caller's array to no one). Reads on the event
     *   thread after the cancel return buffered bytes and fail with OPERATION_CANCELED where they would block;</li>
     *   <li>blocked in {@code write} (or {@code shutdownOutput}): the write is not interrupted either - it cannot be
     *   woken without closing the socket - and runs on until the peer reads or the write timeout closes the
     *   connection; the interrupt follows when it returns.</li>
     * </ul>
     * The call waits for the callback up to the join deadline. A callback still running then (stubborn, or in a write
     * the peer does not read) is reported with THREAD_NOT_TERMINATED; the connection stays open and usable from other
     * threads, events stay off (CANCEL is not delivered: the call has answered), and {@code enableEvents} fails with
     * INVALID_ARGUMENT until that callback has returned.
     *
     * @throws InetException THREAD_NOT_TERMINATED if the event thread outlived the join deadline ({@linkplain
     *                       dev.socketloom##L6 L6})
     */
    void disableEvents() throws InetException;

    /** {@return whether events are currently enabled} */
    boolean eventsEnabled();

    /** {@return whether TLS protects this connection (its handshake completed)} */
    boolean isSecure();

    /**
     * What the TLS handshake negotiated (protocol, cipher suite, peer certificates, ALPN, SNI; SocketWrench's
     * {@code SECURITYINFO}), or empty for a plain connection.
     *
     * @return the negotiated TLS parameters, or empty
     */
    Optional<TlsInfo> tlsInfo();

    /**
     * Upgrades this open, plain connection to TLS in place (explicit TLS: STARTTLS in SMTP, IMAP, LDAP), after the
     * application protocol agreed on it. A client-side connection shakes hands as the TLS client (verifying the host
     * it connected to, unless the options say otherwise); a server's connection as the TLS server, which needs key
     * material. Bytes that arrived after the agreement and are still unread (a client's first handshake bytes) are
     * handed to the TLS layer; a server that sent plaintext after its agreement is refused (STARTTLS injection).
     *
     * <p>Runs the handshake on the calling thread, bounded by the handshake timeout, with no other read or write in
     * progress on this connection. On failure the connection is closed; a disconnect during the handshake ends it like
     * any blocking call ({@linkplain dev.socketloom##L1 L1}).
     *
     * @param options the TLS options (trust, key material, host name verification, handshake timeout)
     * @throws InetException INVALID_ARGUMENT if already secure, if another thread reads or writes, or for a server
     *                       side without key material; NOT_CONNECTED; TIMEOUT; and the TLS errors of the handshake
     *                       (TLS_HANDSHAKE_FAILED, CERTIFICATE_INVALID, HOST_NAME_MISMATCH, CERTIFICATE_REQUIRED)
     */
    void startTls(TlsOptions options) throws InetException;
}
