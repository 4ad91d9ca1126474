package dev.socketloom.jmh;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The one load client used against every server: {@code n} blocking {@code java.net.Socket}s driven by the calling
 * thread. A {@link #round(byte[])} writes the message on every connection first, then reads every echo back, so all
 * {@code n} requests are in flight on the server at once while the client spends one thread and no scheduler. Being
 * the same plain code for every implementation, it adds the same cost to each of them.
 */
public final class EchoClient implements AutoCloseable {

    private final Socket[] sockets;
    private final InputStream[] ins;
    private final OutputStream[] outs;
    private final byte[] readBuf = new byte[64 * 1024];

    /** Opens {@code n} connections to 127.0.0.1:{@code port} (TCP_NODELAY on). */
    public EchoClient(int port, int n) throws IOException {
        this(port, n, null);
    }

    /**
     * Opens {@code n} connections; with {@code tls}, each is a JDK {@code SSLSocket} whose handshake (host name
     * {@code localhost} verified) completes here, before any measurement.
     */
    public EchoClient(int port, int n, SSLContext tls) throws IOException {
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
                Socket io = s;
                if (tls != null) {
                    SSLSocket ssl = (SSLSocket) tls.getSocketFactory()
                            .createSocket(s, "localhost", port, true);
                    SSLParameters p = ssl.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    ssl.setSSLParameters(p);
                    ssl.startHandshake();
                    io = ssl;
                }
                ins[i] = io.getInputStream();
                outs[i] = io.getOutputStream();
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

    /**
     * One echo round trip on every connection; returns a checksum of what came back (for the blackhole).
     *
     * @throws IOException if a connection fails or the echo differs in length
     */
    public long round(byte[] message) throws IOException {
        for (OutputStream out : outs) {
            out.write(message);
        }
        long sum = 0;
        for (InputStream in : ins) {
            int remaining = message.length;
            while (remaining > 0) {
                int n = in.read(readBuf, 0, Math.min(remaining, readBuf.length));
                if (n < 0) {
                    throw new EOFException("server closed a connection mid-echo");
                }
                remaining -= n;
            }
            sum += readBuf[0];
        }
        return sum;
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
            } catch (SocketException reset) {
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
