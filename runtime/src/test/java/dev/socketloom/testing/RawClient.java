package dev.socketloom.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/**
 * A plain {@link Socket} client for tests that must write arbitrary bytes (a proxy's header, garbage, a truncated
 * header) and see exactly what comes back. Reads time out after {@link TestSupport#DEADLINE}, so a broken server
 * fails the test instead of hanging it. Not thread-safe.
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;

    /** Connects to {@code port} on the loopback address. */
    public RawClient(int port) throws IOException {
        socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) TestSupport.DEADLINE.toMillis());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 30_000);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** This end's address: what the server sees as its TCP peer. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Writes and flushes {@code b}. */
    public RawClient write(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
        return this;
    }

    /** Writes {@code b} in pieces of the given sizes (the last piece takes the rest), one system call each. */
    public RawClient writeInPieces(byte[] b, int... sizes) throws IOException {
        int at = 0;
        for (int size : sizes) {
            int n = Math.min(size, b.length - at);
            if (n > 0) {
                socket.getOutputStream().write(b, at, n);
                at += n;
            }
        }
        if (at < b.length) {
            socket.getOutputStream().write(b, at, b.length - at);
        }
        return this;
    }

    /** Sends FIN: the server reads end of stream after what was written. */
    public RawClient shutdownOutput() throws IOException {
        socket.shutdownOutput();
        return this;
    }

    /** One CRLF- or LF-terminated line as UTF-8, or null at end of stream (or a reset) before any byte. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        int b;
        try {
            while ((b = in.read()) >= 0 && b != '\n') {
                line.write(b);
            }
        } catch (SocketException reset) {
            b = -1;
        }
        if (b < 0 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Everything until end of stream; a reset ends it like end of stream (what came before is returned). */
    public byte[] readToEnd() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = socket.getInputStream().read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (SocketException reset) {
            // the server closed with RST
        }
        return out.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
