package dev.socketloom.jmh.server;

import java.util.Arrays;

/** The TLS echo servers measured side by side; {@link #id()} is the JMH {@code @Param} value. */
public enum TlsImpl {
    /** {@code rt.startServer} with {@code ServerOptions.tls}: the handshake on the client's virtual thread. */
    SOCKETLOOM("socketloom"),
    /** {@code ServerSocket} + a virtual thread per connection that layers a JDK {@code SSLSocket}: the floor. */
    RAW_VT("rawvt"),
    /** Netty 4.2 epoll with {@code SslHandler} on the JDK's TLS provider ({@code SSLEngine}). */
    NETTY_JDK("netty-jdk"),
    /** Netty 4.2 epoll with {@code SslHandler} on OpenSSL (BoringSSL, {@code netty-tcnative-boringssl-static}). */
    NETTY_OPENSSL("netty-openssl");

    private final String id;

    TlsImpl(String id) {
        this.id = id;
    }

    /** The short name used in JMH parameters and reports. */
    public String id() {
        return id;
    }

    /** Parses a short name; fails with the list of valid names. */
    public static TlsImpl of(String id) {
        for (TlsImpl impl : values()) {
            if (impl.id.equals(id)) {
                return impl;
            }
        }
        throw new IllegalArgumentException("unknown TLS implementation '" + id + "', expected one of "
                + Arrays.stream(values()).map(TlsImpl::id).toList());
    }
}
