package dev.socketloom.jmh.server;

import dev.socketloom.ConnectOptions;
import dev.socketloom.ConnectionHandler;
import dev.socketloom.Server;
import dev.socketloom.ServerOptions;
import dev.socketloom.SocketRuntime;
import dev.socketloom.TlsOptions;
import java.net.InetAddress;

/**
 * The SocketLoom server of the benchmarks: {@code rt.startServer} with an echo read/write loop as a user would write
 * it, or with another protocol's handler (the line protocol of {@link LineServers}).
 */
final class SocketLoomEcho implements EchoServer {

    private final SocketRuntime rt;
    private final Server server;

    SocketLoomEcho(int bufferSize) throws Exception {
        this(bufferSize, null);
    }

    /** With {@code tls} (or null for plain TCP). */
    SocketLoomEcho(int bufferSize, TlsOptions tls) throws Exception {
        this(tls, c -> {
            byte[] buf = new byte[bufferSize];
            int n;
            while ((n = c.read(buf, 0, buf.length)) > 0) {
                c.write(buf, 0, n);
            }
        });
    }

    /** Serving every client with {@code handler}, over {@code tls} (or null for plain TCP). */
    SocketLoomEcho(TlsOptions tls, ConnectionHandler handler) throws Exception {
        rt = SocketRuntime.open();
        ServerOptions options = ServerOptions.builder()
                .bindAddress(InetAddress.getLoopbackAddress())
                .port(0)
                .backlog(BACKLOG)
                .clientOptions(ConnectOptions.builder().tcpNoDelay(true).build())
                .tls(tls)
                .build();
        server = rt.startServer(options, handler);
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public int activeConnections() {
        return server.clientCount();
    }

    @Override
    public void disconnect() throws Exception {
        server.disconnect();
    }

    @Override
    public void close() throws Exception {
        try {
            server.disconnect();
        } finally {
            rt.close();
        }
    }
}
