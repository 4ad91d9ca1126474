package dev.socketloom;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Immutable options for a connection (SocketWrench's {@code InetConnectEx} options); also used by
 * {@link ServerOptions#clientOptions()} for accepted clients.
 *
 * <p>Durations of {@link Duration#ZERO} mean "no timeout". Defaults: connect timeout 30 s, no read, write or idle
 * timeout, TCP_NODELAY on, SO_KEEPALIVE off (with the OS's probe timing when on), default linger, maximum line
 * length 64 KiB, join deadline 5 s, no TLS.
 * Instances are immutable and thread-safe; build them with {@link #builder()}.
 */
public final class ConnectOptions {
    /** The default options. */
    public static final ConnectOptions DEFAULTS = builder().build();

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration writeTimeout;
    private final Duration idleTimeout;
    private final Duration joinDeadline;
    private final InetSocketAddress localAddress;
    private final boolean tcpNoDelay;
    private final boolean keepAlive;
    private final int lingerSeconds;
    private final int maxLineLength;
    private final int receiveBufferSize;
    private final int sendBufferSize;
    private final TlsOptions tls;
    private final Duration keepAliveIdle;
    private final Duration keepAliveInterval;
    private final int keepAliveCount;

    private ConnectOptions(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.writeTimeout = b.writeTimeout;
        this.idleTimeout = b.idleTimeout;
        this.joinDeadline = b.joinDeadline;
        this.localAddress = b.localAddress;
        this.tcpNoDelay = b.tcpNoDelay;
        this.keepAlive = b.keepAlive;
        this.lingerSeconds = b.lingerSeconds;
        this.maxLineLength = b.maxLineLength;
        this.receiveBufferSize = b.receiveBufferSize;
        this.sendBufferSize = b.sendBufferSize;
        this.tls = b.tls;
        this.keepAliveIdle = b.keepAliveIdle;
        this.keepAliveInterval = b.keepAliveInterval;
        this.keepAliveCount = b.keepAliveCount;
    }

    /** {@return a builder starting from the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return a builder starting from these options} */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** {@return maximum time to establish the connection; zero waits as long as the OS does} */
    public Duration connectTimeout() { return connectTimeout; }

    /**
     * {@return maximum time a read, readFully, readLine or peek blocks waiting for data; zero blocks indefinitely}
     * On expiry the call fails with {@link InetError#TIMEOUT}, consumes nothing (a partial line or frame stays
     * buffered for the retry) and leaves the connection usable.
     */
    public Duration readTimeout() { return readTimeout; }

    /**
     * {@return the maximum time a write may block without progress on a peer that does not read; zero blocks
     * indefinitely} It measures stalls, not size: a large write goes to the socket in chunks of 64 KiB, and each chunk
     * the socket accepts re-arms the deadline, so a long write to a peer that keeps reading never expires. When it
     * expires the runtime closes the connection and the write fails with {@link InetError#TIMEOUT}; every later call
     * fails with {@link InetError#NOT_CONNECTED}, caused by that TIMEOUT.
     */
    public Duration writeTimeout() { return writeTimeout; }

    /**
     * {@return the maximum time without any read or write activity; zero disables it} An idle connection receives a
     * TIMEOUT event if events are enabled, otherwise it is closed (a blocked read then fails with
     * {@link InetError#TIMEOUT}, every later call with {@link InetError#NOT_CONNECTED} caused by that TIMEOUT). Each
     * 64 KiB chunk of a long write counts as activity.
     *
     * <p>Granularity: the timeout never fires early, and at most one check late - 100 ms, or an eighth of the
     * runtime's shortest write or idle timeout if that is less - plus scheduling delay on a busy machine: closing is
     * checked on the runtime's timeout tick, the TIMEOUT event by the event thread between its 100 ms waits for data.
     * The write timeout is checked on the same tick.
     */
    public Duration idleTimeout() { return idleTimeout; }

    /**
     * {@return how long {@code disconnect()} waits for the managing thread to terminate before reporting {@linkplain
     * dev.socketloom##L6 L6}}
     */
    public Duration joinDeadline() { return joinDeadline; }

    /** {@return local address and port to bind before connecting, or {@code null} for an automatic choice} */
    public InetSocketAddress localAddress() { return localAddress; }

    /** {@return whether TCP_NODELAY (no Nagle delay) is set} */
    public boolean tcpNoDelay() { return tcpNoDelay; }

    /**
     * Whether SO_KEEPALIVE is set: the OS probes a connection that has been silent for {@link #keepAliveIdle()} and
     * fails it when {@link #keepAliveCount()} probes, {@link #keepAliveInterval()} apart, go unanswered. A peer that
     * vanished without FIN or RST (network partition, frozen VM, NAT entry dropped) is then detected even by a
     * connection nobody writes to: a blocked read fails with {@link InetError#TIMEOUT}.
     *
     * @return whether SO_KEEPALIVE is set
     */
    public boolean keepAlive() { return keepAlive; }

    /**
     * {@return the silence before the first keepalive probe ({@code TCP_KEEPIDLE}); zero for the OS default
     * (Linux: 2 h)}
     */
    public Duration keepAliveIdle() { return keepAliveIdle; }

    /** {@return the time between keepalive probes ({@code TCP_KEEPINTVL}); zero for the OS default (Linux: 75 s)} */
    public Duration keepAliveInterval() { return keepAliveInterval; }

    /**
     * {@return the unanswered probes before the connection fails ({@code TCP_KEEPCNT}); 0 for the OS default
     * (Linux: 9)}
     */
    public int keepAliveCount() { return keepAliveCount; }

    /** {@return SO_LINGER seconds, or -1 for the OS default; 0 makes every close abortive (RST, no TIME_WAIT)} */
    public int lingerSeconds() { return lingerSeconds; }

    /** {@return maximum accepted line length in bytes (without the terminator) for {@code readLine}} */
    public int maxLineLength() { return maxLineLength; }

    /** {@return SO_RCVBUF in bytes, or 0 for the OS default} */
    public int receiveBufferSize() { return receiveBufferSize; }

    /** {@return SO_SNDBUF in bytes, or 0 for the OS default} */
    public int sendBufferSize() { return sendBufferSize; }

    /**
     * TLS for a client connection (implicit TLS, SocketWrench {@code INET_OPTION_SECURE}): the handshake runs right
     * after the TCP connect, on the connecting thread, and {@code connect} returns only once it completed. {@code null}
     * (the default) for plain TCP. Accepted clients take their TLS from {@link ServerOptions#tls()} instead.
     *
     * @return the client TLS options, or {@code null}
     */
    public TlsOptions tls() { return tls; }

    @Override
    public String toString() {
        return "ConnectOptions{connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", writeTimeout=" + writeTimeout + ", idleTimeout=" + idleTimeout + ", joinDeadline=" + joinDeadline
                + ", localAddress=" + localAddress + ", tcpNoDelay=" + tcpNoDelay + ", keepAlive=" + keepAlive
                + ", lingerSeconds=" + lingerSeconds + ", maxLineLength=" + maxLineLength
                + (tls != null ? ", tls=" + tls : "")
                + (keepAlive ? ", keepAliveIdle=" + keepAliveIdle + ", keepAliveInterval=" + keepAliveInterval
                        + ", keepAliveCount=" + keepAliveCount : "") + '}';
    }

    /** Mutable, single-threaded builder of {@link ConnectOptions}; every setter validates its argument at once. */
    public static final class Builder {
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ZERO;
        private Duration writeTimeout = Duration.ZERO;
        private Duration idleTimeout = Duration.ZERO;
        private Duration joinDeadline = Duration.ofSeconds(5);
        private InetSocketAddress localAddress;
        private boolean tcpNoDelay = true;
        private boolean keepAlive;
        private int lingerSeconds = -1;
        private int maxLineLength = 64 * 1024;
        private int receiveBufferSize;
        private int sendBufferSize;
        private TlsOptions tls;
        private Duration keepAliveIdle = Duration.ZERO;
        private Duration keepAliveInterval = Duration.ZERO;
        private int keepAliveCount;

        private Builder() {
        }

        private Builder(ConnectOptions o) {
            connectTimeout = o.connectTimeout;
            readTimeout = o.readTimeout;
            writeTimeout = o.writeTimeout;
            idleTimeout = o.idleTimeout;
            joinDeadline = o.joinDeadline;
            localAddress = o.localAddress;
            tcpNoDelay = o.tcpNoDelay;
            keepAlive = o.keepAlive;
            lingerSeconds = o.lingerSeconds;
            maxLineLength = o.maxLineLength;
            receiveBufferSize = o.receiveBufferSize;
            sendBufferSize = o.sendBufferSize;
            tls = o.tls;
            keepAliveIdle = o.keepAliveIdle;
            keepAliveInterval = o.keepAliveInterval;
            keepAliveCount = o.keepAliveCount;
        }

        /**
         * See {@link ConnectOptions#connectTimeout()}.
         *
         * @param timeout the connect timeout; not negative
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) { connectTimeout = Checks.timeout(timeout, "connectTimeout"); return this; }

        /**
         * See {@link ConnectOptions#readTimeout()}.
         *
         * @param timeout the read timeout; not negative
         * @return this builder
         */
        public Builder readTimeout(Duration timeout) { readTimeout = Checks.timeout(timeout, "readTimeout"); return this; }

        /**
         * See {@link ConnectOptions#writeTimeout()}.
         *
         * @param timeout the write timeout; not negative
         * @return this builder
         */
        public Builder writeTimeout(Duration timeout) { writeTimeout = Checks.timeout(timeout, "writeTimeout"); return this; }

        /**
         * See {@link ConnectOptions#idleTimeout()}.
         *
         * @param timeout the idle timeout; not negative
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) { idleTimeout = Checks.timeout(timeout, "idleTimeout"); return this; }

        /**
         * See {@link ConnectOptions#joinDeadline()}; must be positive.
         *
         * @param deadline the join deadline
         * @return this builder
         */
        public Builder joinDeadline(Duration deadline) { joinDeadline = Checks.positive(deadline, "joinDeadline"); return this; }

        /**
         * See {@link ConnectOptions#localAddress()}.
         *
         * @param address the local address and port, or {@code null}
         * @return this builder
         */
        public Builder localAddress(InetSocketAddress address) { localAddress = address; return this; }

        /**
         * See {@link ConnectOptions#tcpNoDelay()}.
         *
         * @param on whether to set TCP_NODELAY
         * @return this builder
         */
        public Builder tcpNoDelay(boolean on) { tcpNoDelay = on; return this; }

        /**
         * See {@link ConnectOptions#keepAlive()}.
         *
         * @param on whether to set SO_KEEPALIVE
         * @return this builder
         */
        public Builder keepAlive(boolean on) { keepAlive = on; return this; }

        /**
         * Turns SO_KEEPALIVE on with this probe timing ({@code jdk.net.ExtendedSocketOptions} TCP_KEEPIDLE,
         * TCP_KEEPINTERVAL, TCP_KEEPCOUNT): a silent peer is declared dead after about {@code idle + count *
         * interval}. Durations are whole seconds, 1..32767, or zero for the OS default; {@code count} is 1..127, or 0
         * for the OS default. Where the OS cannot tune keepalive, connecting fails with OPERATION_NOT_SUPPORTED.
         *
         * @param idle     silence before the first probe, whole seconds 1..32767, or zero for the OS default
         * @param interval time between probes, whole seconds 1..32767, or zero for the OS default
         * @param count    unanswered probes before the connection fails, 1..127, or 0 for the OS default
         * @return this builder
         */
        public Builder keepAlive(Duration idle, Duration interval, int count) {
            keepAliveIdle = Checks.keepAliveSeconds(idle, "keepAliveIdle");
            keepAliveInterval = Checks.keepAliveSeconds(interval, "keepAliveInterval");
            if (count < 0 || count > 127) {
                throw new IllegalArgumentException("keepAliveCount must be 0 (OS default) or 1..127, was " + count);
            }
            keepAliveCount = count;
            keepAlive = true;
            return this;
        }

        /**
         * See {@link ConnectOptions#lingerSeconds()}; -1 restores the OS default.
         *
         * @param seconds SO_LINGER seconds, 0..65535, or -1 for the OS default
         * @return this builder
         */
        public Builder lingerSeconds(int seconds) {
            if (seconds < -1 || seconds > 65_535) {
                throw new IllegalArgumentException("lingerSeconds must be -1 (default) or 0..65535, was " + seconds);
            }
            lingerSeconds = seconds;
            return this;
        }

        /**
         * See {@link ConnectOptions#maxLineLength()}; 1 .. 64 MiB.
         *
         * @param bytes the line limit
         * @return this builder
         */
        public Builder maxLineLength(int bytes) {
            if (bytes < 1 || bytes > 64 * 1024 * 1024) {
                throw new IllegalArgumentException("maxLineLength must be 1..67108864 bytes, was " + bytes);
            }
            maxLineLength = bytes;
            return this;
        }

        /**
         * See {@link ConnectOptions#receiveBufferSize()}.
         *
         * @param bytes SO_RCVBUF, or 0
         * @return this builder
         */
        public Builder receiveBufferSize(int bytes) { receiveBufferSize = Checks.nonNegative(bytes, "receiveBufferSize"); return this; }

        /**
         * See {@link ConnectOptions#sendBufferSize()}.
         *
         * @param bytes SO_SNDBUF, or 0
         * @return this builder
         */
        public Builder sendBufferSize(int bytes) { sendBufferSize = Checks.nonNegative(bytes, "sendBufferSize"); return this; }

        /**
         * See {@link ConnectOptions#tls()}; {@code null} for plain TCP.
         *
         * @param options the client TLS options, or {@code null}
         * @return this builder
         */
        public Builder tls(TlsOptions options) { tls = options; return this; }

        /** {@return the immutable options} */
        public ConnectOptions build() {
            return new ConnectOptions(this);
        }
    }
}
