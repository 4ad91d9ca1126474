package dev.socketloom;

/**
 * Stable error codes carried by every {@link InetException}, the counterpart of SocketWrench's
 * {@code InetGetLastError} values.
 *
 * <p>The numeric {@link #code()} of a constant never changes between releases, so it can be stored, logged and
 * compared by ported code. {@link #NONE} is the value of {@code Inet.getLastError()} after a successful call.
 * Instances are immutable and safe to share between threads.
 */
public enum InetError {
    /** No error; the last call succeeded. */
    NONE(0, "No error"),
    /** A blocking call did not finish within its configured timeout. */
    TIMEOUT(1001, "The operation timed out"),
    /** The remote host actively refused the connection: nothing listens on that port. */
    CONNECTION_REFUSED(1002, "Connection refused by the remote host"),
    /** The peer reset the connection (RST) or the pipe broke while writing. */
    CONNECTION_RESET(1003, "Connection reset by the peer"),
    /** The host name could not be resolved. */
    HOST_NOT_FOUND(1004, "Host not found"),
    /** No route to the host or network. */
    HOST_UNREACHABLE(1005, "Host or network unreachable"),
    /** The connection was disconnected (or never connected): the operation needs a live connection. */
    NOT_CONNECTED(1006, "The socket is not connected"),
    /** The handle does not name a live connection or server (closed, stale or never issued). */
    INVALID_HANDLE(1007, "Invalid socket handle"),
    /** A received line is longer than the configured maximum line length. */
    LINE_TOO_LONG(1008, "The line exceeds the maximum line length"),
    /** The local address and port are already in use. */
    ADDRESS_IN_USE(1009, "The address is already in use"),
    /** The local address cannot be assigned on this machine. */
    ADDRESS_NOT_AVAILABLE(1010, "The address is not available on this machine"),
    /** A thread managing a connection or server did not terminate within its join deadline. */
    THREAD_NOT_TERMINATED(1011, "A thread did not terminate within its join deadline"),
    /** The server has been stopped or disconnected. */
    SERVER_STOPPED(1012, "The server has been stopped"),
    /** The operation was canceled, for example by an interrupt or a concurrent disconnect. */
    OPERATION_CANCELED(1013, "The operation was canceled"),
    /** An argument is out of range or malformed. */
    INVALID_ARGUMENT(1014, "Invalid argument"),
    /** The process ran out of file descriptors or socket buffers. */
    RESOURCE_EXHAUSTED(1015, "Too many open files or no buffer space"),
    /** The runtime has been closed (uninitialized). */
    NOT_INITIALIZED(1016, "The runtime is not initialized or has been closed"),
    /** The connection has been shut down for writing. */
    OUTPUT_SHUTDOWN(1017, "The connection has been shut down for writing"),
    /** The requested operation is not supported by this connection. */
    OPERATION_NOT_SUPPORTED(1018, "The operation is not supported"),
    /**
     * Reserved: a server limit (clients, per-address clients) was reached. Servers do not report it today: a client
     * over a limit is reset right after accept and counted in {@link ServerStats#rejected()}.
     */
    LIMIT_REACHED(1019, "A server limit was reached"),
    /**
     * The TLS handshake failed for a reason that is not the certificate's: no protocol version, cipher suite or ALPN
     * protocol in common, a peer that does not speak TLS (plaintext on a TLS port, or TLS on a plaintext port), a peer
     * that closed during the handshake, or a fatal alert. The JDK's reason is in the message and the cause.
     */
    TLS_HANDSHAKE_FAILED(1030, "The TLS handshake failed"),
    /**
     * A certificate was rejected: the peer's chain is untrusted, expired, not yet valid or malformed, or the peer
     * rejected ours (for example with a {@code bad_certificate} or {@code unknown_ca} alert).
     */
    CERTIFICATE_INVALID(1031, "The certificate is not valid or not trusted"),
    /** The server's certificate is valid and trusted but issued for another host name or address. */
    HOST_NAME_MISMATCH(1032, "The certificate does not match the host name"),
    /** The server requires a client certificate (mutual TLS) and the client presented none. */
    CERTIFICATE_REQUIRED(1033, "A client certificate is required"),
    /**
     * TLS options that cannot work: unreadable or malformed key, certificate or trust material, a wrong password, a
     * key that does not match its certificate, or a protocol or cipher suite this JDK does not offer.
     */
    TLS_CONFIGURATION_INVALID(1034, "The TLS configuration is invalid"),
    /** An I/O error that matches no other code. */
    IO_ERROR(1099, "Input/output error"),
    /**
     * A PROXY protocol header ({@link ProxyProtocol}) was missing, malformed, truncated or over the size limit; the
     * connection was closed before its handler ran ({@linkplain dev.socketloom##L14 L14}). Numbered apart from
     * 1020.. so that codes added meanwhile by other features never collide.
     */
    PROXY_HEADER_INVALID(1040, "The PROXY protocol header is missing or invalid");

    private final int code;
    private final String description;

    InetError(int code, String description) {
        this.code = code;
        this.description = description;
    }

    /** {@return the stable numeric code, as returned by {@code Inet.getLastError()}} */
    public int code() {
        return code;
    }

    /** {@return a human-readable one-line description, as returned by {@code Inet.getErrorString}} */
    public String description() {
        return description;
    }

    /**
     * {@return the constant with the given numeric code, or {@code null} if there is none}
     *
     * @param code a numeric code, as {@link #code()} returns
     */
    public static InetError fromCode(int code) {
        for (InetError error : values()) {
            if (error.code == code) {
                return error;
            }
        }
        return null;
    }
}
