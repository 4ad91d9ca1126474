package dev.socketloom;

/**
 * Whether a server expects the PROXY protocol header (haproxy's {@code proxy-protocol.txt}, versions 1 and 2) that a
 * load balancer such as haproxy ({@code send-proxy}, {@code send-proxy-v2}), Envoy or a cloud network load balancer
 * puts in front of every connection it relays, to tell the server the original client's address
 * ({@linkplain dev.socketloom##L14 L14}). Set with {@link ServerOptions.Builder#proxyProtocol}.
 *
 * <p>The header is read on the accepted client's own virtual thread, before the handler (and before TLS), bounded by
 * {@link ServerOptions#proxyHeaderTimeout()} and by the sizes of the specification. A connection whose header is
 * missing, malformed, truncated, too large or too slow is closed before the handler runs, counted in {@link
 * ServerStats#proxyHeaderFailures()}, and logged at DEBUG (logger {@code dev.socketloom}) with the reason.
 */
public enum ProxyProtocol {
    /** No header: the TCP peer is the client. The default. */
    OFF,
    /**
     * Every connection must start with a version 1 or version 2 header; a connection without one is closed. The mode
     * to use: the specification forbids guessing whether a header is present, so a port with this mode must only be
     * reachable by the trusted proxies (firewall it), since a header is believed as sent.
     */
    REQUIRED,
    /**
     * A header is used when the first bytes are one, otherwise the connection is served as a direct client. Only for
     * migrations (proxies and direct clients on one port for a while). <b>Unsafe on any port that untrusted clients
     * can reach</b>: a direct client can send its own header and appear to come from any address it likes (and so
     * also escape per-address limits). It also delays clients of server-speaks-first protocols (SMTP, FTP, SSH),
     * which send nothing, by the whole {@linkplain ServerOptions#proxyHeaderTimeout() header timeout} before their
     * handler runs; and a direct client whose first bytes happen to start like a header is treated as a proxy.
     * A client whose first bytes are only the start of a signature ({@code \r\n}, or {@code PROXY} without the
     * space) and that sends nothing more within a short sniff window (250 ms) is served as a direct client: those
     * bytes are the first its handler reads, never lost to the header timeout. Once the bytes go past a signature
     * they are a header, and a header's rules apply.
     */
    OPTIONAL
}
