package dev.socketloom;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Immutable options for {@link SocketRuntime#startServer} (SocketWrench's {@code InetServerStart} parameters).
 *
 * <p>Defaults: wildcard bind address, port 0 (ephemeral), backlog 1024, no client limits, no accept interval, no idle
 * timeout, {@link ConnectOptions#DEFAULTS} for accepted clients, join deadline 5 s, accept back-off 50 ms doubling
 * to 1.6 s, no PROXY protocol (header timeout 5 s when enabled), no TLS. Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class ServerOptions {
    private final InetAddress bindAddress;
    private final int port;
    private final int backlog;
    private final int maxClients;
    private final int maxClientsPerAddress;
    private final Duration minAcceptInterval;
    private final Duration idleTimeout;
    private final Duration joinDeadline;
    private final Duration acceptBackoffInitial;
    private final Duration acceptBackoffMax;
    private final ConnectOptions clientOptions;
    private final TlsOptions tls;
    private final ProxyProtocol proxyProtocol;
    private final Duration proxyHeaderTimeout;
    private final long broadcastQueueLimit;

    private ServerOptions(Builder b) {
        bindAddress = b.bindAddress;
        port = b.port;
        backlog = b.backlog;
        maxClients = b.maxClients;
        maxClientsPerAddress = b.maxClientsPerAddress;
        minAcceptInterval = b.minAcceptInterval;
        idleTimeout = b.idleTimeout;
        joinDeadline = b.joinDeadline;
        acceptBackoffInitial = b.acceptBackoffInitial;
        acceptBackoffMax = b.acceptBackoffMax;
        clientOptions = b.clientOptions;
        tls = b.tls;
        proxyProtocol = b.proxyProtocol;
        proxyHeaderTimeout = b.proxyHeaderTimeout;
        broadcastQueueLimit = b.broadcastQueueLimit;
    }

    /**
     * {@return the most bytes a broadcast may queue for one client (default 16 MiB)}: each client has one outbound
     * queue, drained by at most one writer thread; a broadcast that would take a client's queue past this limit cuts
     * that client as a slow consumer (its connection is aborted, {@link ServerStats#slowConsumers()} counts it) and
     * never waits for it. A single message larger than the limit is still queued to a client whose queue is empty.
     *
     * <p>Why 16 MiB: a broadcast never pushes back on its sender, so the limit must absorb a sender's burst to a
     * reader that keeps up (4 MiB cut a fast loopback reader of a 9 MB burst); NATS allows 64 MiB per connection,
     * Redis pub/sub a hard 32 MB, so a client that never reads costs at most a quarter of NATS's bound.
     */
    public long broadcastQueueLimit() { return broadcastQueueLimit; }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return local address to listen on, or {@code null} for every local address} */
    public InetAddress bindAddress() { return bindAddress; }

    /** {@return port to listen on; 0 picks a free ephemeral port (see {@link Server#port()})} */
    public int port() { return port; }

    /** {@return listen backlog: connections the OS queues before the acceptor takes them (and while suspended)} */
    public int backlog() { return backlog; }

    /** {@return the maximum simultaneous clients; 0 means unlimited} Extra connections are closed at accept time. */
    public int maxClients() { return maxClients; }

    /** {@return maximum simultaneous clients from one remote address; 0 means unlimited} */
    public int maxClientsPerAddress() { return maxClientsPerAddress; }

    /** {@return minimum time between two accepts (accept rate limit); zero means no limit} */
    public Duration minAcceptInterval() { return minAcceptInterval; }

    /** {@return idle timeout of each client; overrides {@link ConnectOptions#idleTimeout()} when non-zero} */
    public Duration idleTimeout() { return idleTimeout; }

    /**
     * {@return how long {@link Server#disconnect()} waits for the acceptor and client threads before reporting
     * {@linkplain dev.socketloom##L6 L6}}
     */
    public Duration joinDeadline() { return joinDeadline; }

    /**
     * {@return first back-off after a failed {@code accept()} (for example EMFILE); doubles up to
     * {@link #acceptBackoffMax()}}
     */
    public Duration acceptBackoffInitial() { return acceptBackoffInitial; }

    /** {@return largest back-off between failed accepts} */
    public Duration acceptBackoffMax() { return acceptBackoffMax; }

    /** {@return options applied to every accepted client (timeouts, TCP options, line limit, join deadline)} */
    public ConnectOptions clientOptions() { return clientOptions; }

    /**
     * TLS for every accepted client (implicit TLS, SocketWrench {@code INET_OPTION_SECURE}), or {@code null} for plain
     * TCP. The server-side handshake runs on the client's own virtual thread, never on the acceptor, bounded by
     * {@link TlsOptions#handshakeTimeout()}; the handler runs only after it completed ({@linkplain dev.socketloom##L13
     * L13}). {@link Server#reloadTls} replaces it at run time.
     *
     * @return the server TLS options, or {@code null}
     */
    public TlsOptions tls() { return tls; }

    /**
     * Whether accepted connections start with a PROXY protocol header ({@linkplain dev.socketloom##L14 L14}): with
     * {@link ProxyProtocol#REQUIRED} (the mode to use behind a load balancer) or {@link ProxyProtocol#OPTIONAL} (only
     * for migrations; see why it is unsafe there) the header is read on the client's own thread before the handler,
     * {@link Connection#remoteAddress()} is the original client, and {@link #maxClientsPerAddress()} applies to the
     * original client's address once the header has been read.
     *
     * @return the PROXY protocol mode
     */
    public ProxyProtocol proxyProtocol() { return proxyProtocol; }

    /**
     * How long a client may take to send its complete PROXY header, from the start of its thread; default 5 s. The
     * specification asks for at least 3 s, so that one lost segment can be retransmitted.
     *
     * @return the PROXY header timeout
     */
    public Duration proxyHeaderTimeout() { return proxyHeaderTimeout; }

    /**
     * {@return the options accepted clients actually use: {@link #clientOptions()} with this server's idle timeout
     * applied}
     */
    public ConnectOptions effectiveClientOptions() {
        return idleTimeout.isZero() ? clientOptions : clientOptions.toBuilder().idleTimeout(idleTimeout).build();
    }

    @Override
    public String toString() {
        return "ServerOptions{bindAddress=" + bindAddress + ", port=" + port + ", backlog=" + backlog
                + ", maxClients=" + maxClients + ", maxClientsPerAddress=" + maxClientsPerAddress
                + ", minAcceptInterval=" + minAcceptInterval + ", idleTimeout=" + idleTimeout
                + ", joinDeadline=" + joinDeadline + ", clientOptions=" + clientOptions
                + (tls != null ? ", tls=" + tls : "")
                + ", proxyProtocol="
                + proxyProtocol + ", proxyHeaderTimeout=" + proxyHeaderTimeout
                + ", broadcastQueueLimit=" + broadcastQueueLimit + '}';
    }

    /** Mutable, single-threaded builder of {@link ServerOptions}; every setter validates its argument at once. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int port;
        private int backlog = 1024;
        private int maxClients;
        private int maxClientsPerAddress;
        private Duration minAcceptInterval = Duration.ZERO;
        private Duration idleTimeout = Duration.ZERO;
        private Duration joinDeadline = Duration.ofSeconds(5);
        private long broadcastQueueLimit = 16L << 20;
        private Duration acceptBackoffInitial = Duration.ofMillis(50);
        private Duration acceptBackoffMax = Duration.ofMillis(1600);
        private ConnectOptions clientOptions = ConnectOptions.DEFAULTS;
        private TlsOptions tls;
        private ProxyProtocol proxyProtocol = ProxyProtocol.OFF;
        private Duration proxyHeaderTimeout = Duration.ofSeconds(5);

        private Builder() {
        }

        /**
         * See {@link ServerOptions#bindAddress()}.
         *
         * @param address the local address, or {@code null}
         * @return this builder
         */
        public Builder bindAddress(InetAddress address) { bindAddress = address; return this; }

        /**
         * See {@link ServerOptions#port()}.
         *
         * @param port 0 to 65535
         * @return this builder
         */
        public Builder port(int port) { this.port = Checks.port(port); return this; }

        /**
         * See {@link ServerOptions#backlog()}; must be positive.
         *
         * @param backlog the listen backlog
         * @return this builder
         */
        public Builder backlog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("backlog must be positive, was " + backlog);
            }
            this.backlog = backlog;
            return this;
        }

        /**
         * See {@link ServerOptions#maxClients()}.
         *
         * @param max the limit, or 0
         * @return this builder
         */
        public Builder maxClients(int max) { maxClients = Checks.nonNegative(max, "maxClients"); return this; }

        /**
         * See {@link ServerOptions#maxClientsPerAddress()}.
         *
         * @param max the limit, or 0
         * @return this builder
         */
        public Builder maxClientsPerAddress(int max) { maxClientsPerAddress = Checks.nonNegative(max, "maxClientsPerAddress"); return this; }

        /**
         * See {@link ServerOptions#minAcceptInterval()}.
         *
         * @param interval the interval; not negative
         * @return this builder
         */
        public Builder minAcceptInterval(Duration interval) { minAcceptInterval = Checks.timeout(interval, "minAcceptInterval"); return this; }

        /**
         * See {@link ServerOptions#idleTimeout()}.
         *
         * @param timeout the idle timeout; not negative
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) { idleTimeout = Checks.timeout(timeout, "idleTimeout"); return this; }

        /**
         * See {@link ServerOptions#broadcastQueueLimit()}; must be positive.
         *
         * @param bytes the per-client limit of queued broadcast bytes
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is zero or negative
         */
        public Builder broadcastQueueLimit(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("broadcastQueueLimit must be positive, was " + bytes);
            }
            broadcastQueueLimit = bytes;
            return this;
        }

        /**
         * See {@link ServerOptions#joinDeadline()}; must be positive.
         *
         * @param deadline the join deadline
         * @return this builder
         */
        public Builder joinDeadline(Duration deadline) { joinDeadline = Checks.positive(deadline, "joinDeadline"); return this; }

        /**
         * See {@link ServerOptions#acceptBackoffInitial()} and {@link ServerOptions#acceptBackoffMax()}.
         *
         * @param initial the first back-off; positive
         * @param max     the largest back-off; not smaller than {@code initial}
         * @return this builder
         */
        public Builder acceptBackoff(Duration initial, Duration max) {
            Checks.positive(initial, "acceptBackoffInitial");
            Checks.positive(max, "acceptBackoffMax");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("acceptBackoffMax " + max + " < acceptBackoffInitial " + initial);
            }
            acceptBackoffInitial = initial;
            acceptBackoffMax = max;
            return this;
        }

        /**
         * See {@link ServerOptions#clientOptions()}; its {@code tls} must be unset (use {@link #tls}).
         *
         * @param options the client options
         * @return this builder
         */
        public Builder clientOptions(ConnectOptions options) {
            if (Objects.requireNonNull(options, "clientOptions").tls() != null) {
                throw new IllegalArgumentException("a server's TLS is ServerOptions.tls, not clientOptions.tls");
            }
            clientOptions = options;
            return this;
        }

        /**
         * See {@link ServerOptions#tls()}; the options need key material. {@code null} for plain TCP.
         *
         * @param options the TLS of every accepted client, or null
         * @return this builder
         */
        public Builder tls(TlsOptions options) {
            if (options != null && !options.hasKeyMaterial()) {
                throw new IllegalArgumentException("a TLS server needs key material (a certificate and its key)");
            }
            tls = options;
            return this;
        }

        /**
         * See {@link ServerOptions#proxyProtocol()}.
         *
         * @param mode the PROXY protocol mode; not null
         * @return this builder
         */
        public Builder proxyProtocol(ProxyProtocol mode) { proxyProtocol = Objects.requireNonNull(mode, "proxyProtocol"); return this; }

        /**
         * See {@link ServerOptions#proxyHeaderTimeout()}; must be positive (3 s or more in production).
         *
         * @param timeout the PROXY header timeout
         * @return this builder
         */
        public Builder proxyHeaderTimeout(Duration timeout) { proxyHeaderTimeout = Checks.positive(timeout, "proxyHeaderTimeout"); return this; }

        /** {@return the immutable options} */
        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
