package dev.socketloom.jmh.server;

import dev.socketloom.TlsOptions;
import java.nio.file.Path;

/**
 * One running echo server of some {@link Impl}. Every implementation echoes raw bytes exactly as received, with
 * TCP_NODELAY on accepted sockets and a listen backlog of {@link #BACKLOG}.
 */
public interface EchoServer extends AutoCloseable {

    /** Listen backlog for every implementation (net.core.somaxconn is 4096 here). */
    int BACKLOG = 4096;

    /** The bound port on 127.0.0.1. */
    int port();

    /** Connections currently accepted and not yet closed. */
    int activeConnections();

    /**
     * Terminates the server the way the implementation does it: closes the listener and every client and waits
     * until every thread serving it has ended (for SocketLoom: {@code Server.disconnect()}).
     */
    void disconnect() throws Exception;

    /** Same as {@link #disconnect()}, plus releasing shared resources such as event loops. */
    @Override
    void close() throws Exception;

    /**
     * Starts an echo server.
     *
     * @param bufferSize the per-connection read buffer of the thread-per-connection servers
     */
    static EchoServer start(Impl impl, int bufferSize) throws Exception {
        return switch (impl) {
            case SOCKETLOOM -> new SocketLoomEcho(bufferSize);
            case RAW_VT -> new ThreadPerConnectionEcho(Thread.ofVirtual().name("rawvt-client-", 0), bufferSize);
            case PLATFORM -> new ThreadPerConnectionEcho(Thread.ofPlatform().daemon().name("platform-client-", 0),
                    bufferSize);
            case NETTY_NIO -> new NettyEcho(false, null);
            case NETTY_EPOLL -> new NettyEcho(true, null);
        };
    }

    /** Starts a TLS echo server presenting the certificate in {@code keyStore} ({@link TlsMaterial}). */
    static EchoServer startTls(TlsImpl impl, int bufferSize, Path keyStore) throws Exception {
        return switch (impl) {
            case SOCKETLOOM -> new SocketLoomEcho(bufferSize, TlsOptions.builder()
                    .keyStore(keyStore, TlsMaterial.PASSWORD).build());
            case RAW_VT -> new ThreadPerConnectionEcho(Thread.ofVirtual().name("rawvt-client-", 0), bufferSize,
                    TlsMaterial.serverContext(keyStore));
            case NETTY_JDK -> new NettyEcho(true, NettyEcho.tls(keyStore, false));
            case NETTY_OPENSSL -> new NettyEcho(true, NettyEcho.tls(keyStore, true));
        };
    }
}
