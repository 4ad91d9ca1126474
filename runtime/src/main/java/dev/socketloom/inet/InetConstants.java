package dev.socketloom.inet;

import dev.socketloom.TlsOptions;

/**
 * The constants of SocketWrench's header: return values, {@code INET_OPTION_*} bits and {@code INET_EVENT_*} codes.
 * {@link Inet} implements this interface, so {@code Inet.INET_ERROR} and a static import of {@code Inet.*} keep
 * working; a port can also {@code import static dev.socketloom.inet.InetConstants.*} to name them as the C code does.
 *
 * <p>Constants only: nothing to implement, no state, no threading concerns.
 */
public interface InetConstants {
    /** Returned by calls that return a count or status when they fail. */
    int INET_ERROR = -1;
    /** Returned by calls that return a handle when they fail. */
    int INVALID_SOCKET = -1;

    /** No options. */
    int INET_OPTION_NONE = 0;
    /** SO_REUSEADDR; servers always use it, for clients it is accepted and has no effect. */
    int INET_OPTION_REUSEADDRESS = 0x0001;
    /** SO_KEEPALIVE. */
    int INET_OPTION_KEEPALIVE = 0x0002;
    /** TCP_NODELAY (disable Nagle). */
    int INET_OPTION_NODELAY = 0x0004;
    /**
     * Implicit TLS, as SocketWrench's {@code INET_OPTION_SECURE}: a client shakes hands right after connecting (with
     * the JDK's default trust and the host name verified, or with the credentials passed), a server with every client
     * it accepts (it needs credentials: a certificate and its key). See {@link TlsOptions}.
     */
    int INET_OPTION_SECURE = 0x1000;
    /**
     * <b>Unsafe:</b> with {@link #INET_OPTION_SECURE}, the server is trusted: its certificate is not validated at all
     * (chain, expiry, host name), so anyone on the path could impersonate it. Named and numbered after SocketWrench's
     * {@code INET_OPTION_TRUSTEDSITE} ({@code swOptionTrustedSite}, {@code &H800}: "the server certificate will not be
     * validated and the connection will always be permitted"); without {@code INET_OPTION_SECURE} it has no effect.
     */
    int INET_OPTION_TRUSTEDSITE = 0x0800;
    /**
     * SocketLoom extension for {@link Inet#serverStart}: every client must start with a PROXY protocol header (v1 or v2),
     * as sent by haproxy's {@code send-proxy} / {@code send-proxy-v2}; the client's handle then reports the original
     * client ({@link dev.socketloom.ProxyProtocol#REQUIRED}, {@linkplain dev.socketloom##L14 L14}). Not valid for
     * connects.
     */
    int INET_OPTION_PROXY_PROTOCOL = 0x2000;

    /** The connection was established (a server's client: accepted). */
    int INET_EVENT_CONNECT = 1;
    /** The peer closed the connection. */
    int INET_EVENT_DISCONNECT = 2;
    /** Data is available to read. */
    int INET_EVENT_READ = 3;
    /** Data can be written. */
    int INET_EVENT_WRITE = 4;
    /** The idle timeout expired. */
    int INET_EVENT_TIMEOUT = 5;
    /** Events were canceled. */
    int INET_EVENT_CANCEL = 6;
    /** An error occurred; the callback's error argument holds its code. */
    int INET_EVENT_ERROR = 7;

    /** Mask bit for {@link Inet#enableEvents}: event {@code e} is enabled when {@code mask & (1 << e)} is set. */
    int INET_EVENT_MASK_ALL = 0xFE;
}
