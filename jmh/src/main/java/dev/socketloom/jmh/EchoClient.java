package dev.socketloom.jmh;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;

/**
 * Idle clients for the benchmarks that need connections rather than load (footprint, server disconnect): {@code n}
 * blocking {@code java.net.Socket}s driven by the calling thread, each checked once with an echo (so that the server
 * runs a handler for it) and then left idle. The load itself comes from {@link dev.socketloom.jmh.load.LoadGenerator}.
 */
public final class EchoClient implements AutoCloseable {

    private final Socket[] sockets;
    private final InputStream[] ins;
    private final OutputStream[] outs;

    /** Opens {@code n} connections to 127.0.0.1:{@code port} (TCP_NODELAY on). */
    public EchoClient(int port, int n) throws IOException {
        sockets = new Socket[n];
        ins = new InputStream[n];
        outs = new OutputStream[n];
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            for (int i = 0; i < n; i++) {
                Socket s = new Socket();
                sockets[i] = s;
                s.setTcpNoDelay(true);
                s.connect(address, 30_000);
                s.setSoTimeout(60_000); // a lost echo fails the benchmark instead of hanging it
                ins[i] = s.getInputStream();
                outs[i] = s.getOutputStream();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Number of connections. */
    public int size() {
        return sockets.length;
    }

    /** Checks once that the echo is byte-exact on every connection (not timed). */
    public void verify(byte[] message) throws IOException {
        for (OutputStream out : outs) {
            out.write(message);
        }
        byte[] back = new byte[message.length];
        for (InputStream in : ins) {
            int got = 0;
            while (got < back.length) {
                int n = in.read(back, got, back.length - got);
                if (n < 0) {
                    throw new EOFException("server closed a connection mid-echo");
                }
                got += n;
            }
            if (!Arrays.equals(back, message)) {
                throw new IOException("echo differs from what was sent");
            }
        }
    }

    /** Waits for every connection to be closed by the server (EOF or reset), e.g. after a server disconnect. */
    public void awaitClosedByServer() throws IOException {
        for (InputStream in : ins) {
            try {
                if (in.read() >= 0) {
                    throw new IOException("unexpected data after server disconnect");
                }
            } catch (java.net.SocketException reset) {
                // RST counts as closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Socket s : sockets) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
