package dev.socketloom.jmh.server;

import java.util.Arrays;

/** The echo server implementations measured side by side; {@link #id()} is the JMH {@code @Param} value. */
public enum Impl {
    /** {@code rt.startServer} with an echo handler. */
    SOCKETLOOM("socketloom"),
    /** {@code ServerSocket} + {@code Thread.ofVirtual()} per connection, no runtime: the no-overhead floor. */
    RAW_VT("rawvt"),
    /** {@code ServerSocket} + one platform thread per connection. */
    PLATFORM("platform"),
    /** Netty 4.2, {@code MultiThreadIoEventLoopGroup} with {@code NioIoHandler}. */
    NETTY_NIO("netty-nio"),
    /** Netty 4.2, {@code MultiThreadIoEventLoopGroup} with the native {@code EpollIoHandler}. */
    NETTY_EPOLL("netty-epoll");

    private final String id;

    Impl(String id) {
        this.id = id;
    }

    /** The short name used in JMH parameters, results and charts. */
    public String id() {
        return id;
    }

    /** Parses a short name; fails with the list of valid names. */
    public static Impl of(String id) {
        for (Impl impl : values()) {
            if (impl.id.equals(id)) {
                return impl;
            }
        }
        throw new IllegalArgumentException("unknown implementation '" + id + "', expected one of "
                + Arrays.stream(values()).map(Impl::id).toList());
    }
}
