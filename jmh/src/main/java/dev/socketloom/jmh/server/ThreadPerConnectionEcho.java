package dev.socketloom.jmh.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A hand-written thread-per-connection echo server on plain {@code java.net} sockets, with no runtime around it:
 * with virtual threads it is the no-overhead floor SocketLoom is measured against; with platform threads it is the
 * classic model. It keeps only what is needed to shut down exactly (the set of sockets and threads). With a TLS
 * context, each connection's thread layers a JDK {@code SSLSocket} over it and shakes hands first: the floor for TLS.
 */
final class ThreadPerConnectionEcho implements EchoServer {

    private final ServerSocket listener;
    private final Thread.Builder threads;
    private final int bufferSize;
    private final SSLContext tls;
    private final Map<Socket, Thread> clients = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final Body body;

    /** What a client thread runs on its socket instead of the echo loop (another protocol). */
    @FunctionalInterface
    interface Body {
        void serve(Socket s) throws IOException;
    }

    ThreadPerConnectionEcho(Thread.Builder threads, int bufferSize) throws IOException {
        this(threads, bufferSize, null, null);
    }

    ThreadPerConnectionEcho(Thread.Builder threads, int bufferSize, SSLContext tls) throws IOException {
        this(threads, bufferSize, tls, null);
    }

    /** A plain server whose client threads run {@code body} instead of the echo loop. */
    ThreadPerConnectionEcho(Thread.Builder threads, Body body) throws IOException {
        this(threads, 0, null, body);
    }

    /**
     * With {@code body} null the client threads run the echo loop with a {@code bufferSize} array: that path stays
     * exactly as short as it was, since an idle thread's stack is part of the footprint measured.
     */
    private ThreadPerConnectionEcho(Thread.Builder threads, int bufferSize, SSLContext tls, Body body)
            throws IOException {
        this.threads = threads;
        this.bufferSize = bufferSize;
        this.tls = tls;
        this.body = body;
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
        acceptor = Thread.ofVirtual().name("echo-acceptor").start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket s;
            try {
                s = listener.accept();
            } catch (IOException e) {
                continue; // closed listener ends the loop; anything else: keep accepting
            }
            try {
                s.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(s); // the peer is already gone
                continue;
            }
            Thread t = threads.unstarted(body == null ? () -> serve(s) : () -> serveBody(s));
            clients.put(s, t);
            t.start();
        }
    }

    private void serve(Socket s) {
        byte[] buf = new byte[bufferSize];
        try (s) {
            Socket io = s;
            if (tls != null) {
                SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, null, true);
                ssl.startHandshake();
                io = ssl;
            }
            InputStream in = io.getInputStream();
            OutputStream out = io.getOutputStream();
            int n;
            while ((n = in.read(buf, 0, buf.length)) > 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // reset or closed by disconnect(): this connection is over
        } finally {
            clients.remove(s);
        }
    }

    private void serveBody(Socket s) {
        try (s) {
            body.serve(s);
        } catch (IOException e) {
            // reset or closed by disconnect(): this connection is over
        } finally {
            clients.remove(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    @Override
    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public int activeConnections() {
        return clients.size();
    }

    @Override
    public void disconnect() throws Exception {
        listener.close();
        acceptor.join();
        List<Thread> toJoin = new ArrayList<>(clients.size());
        for (Map.Entry<Socket, Thread> e : clients.entrySet()) {
            e.getKey().close(); // unblocks the read at once
            toJoin.add(e.getValue());
        }
        for (Thread t : toJoin) {
            t.join();
        }
    }

    @Override
    public void close() throws Exception {
        disconnect();
    }
}
