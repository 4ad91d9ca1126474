package dev.socketloom.jmh.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hand-written thread-per-connection echo server on plain {@code java.net} sockets, with no runtime around it:
 * with virtual threads it is the no-overhead floor SocketLoom is measured against; with platform threads it is the
 * classic model. It keeps only what is needed to shut down exactly (the set of sockets and threads).
 */
final class ThreadPerConnectionEcho implements EchoServer {

    private final ServerSocket listener;
    private final Thread.Builder threads;
    private final int bufferSize;
    private final Map<Socket, Thread> clients = new ConcurrentHashMap<>();
    private final Thread acceptor;
    private final Body body;

    /** What a client thread runs on its socket instead of the echo loop (another protocol). */
    @FunctionalInterface
    interface Body {
        void serve(Socket s) throws IOException;
    }

    ThreadPerConnectionEcho(Thread.Builder threads, int bufferSize) throws IOException {
        this(threads, bufferSize, null);
    }

    /**
     * A server whose client threads run {@code body}, or (null) the echo loop with a {@code bufferSize} array. The
     * echo path stays exactly as short as before: an idle thread's stack is part of the footprint measured.
     */
    ThreadPerConnectionEcho(Thread.Builder threads, int bufferSize, Body body) throws IOException {
        this.threads = threads;
        this.bufferSize = bufferSize;
        this.body = body;
        listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
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
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
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
