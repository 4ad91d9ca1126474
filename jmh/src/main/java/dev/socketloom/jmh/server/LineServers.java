package dev.socketloom.jmh.server;

import dev.socketloom.Connection;
import dev.socketloom.InetException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The same small line protocol server written twice (see {@code Workload.pipelined}): once on a SocketLoom
 * {@link Connection} ({@code readLine}, {@code readFully}), once on a raw virtual thread over a
 * {@link BufferedInputStream} with the reads a hand-written server would do. Per request: read the header line,
 * parse the value length after its last space, read the value and the CRLF behind it, and append {@code +OK <len>}
 * to the reply; the replies go out in one write once no more input is available (pipelined requests get one reply
 * write per batch).
 */
final class LineServers {

    static final int MAX_VALUE = 1024;

    private LineServers() {
    }

    /** Starts the line server of {@code impl}: SOCKETLOOM or RAW_VT. */
    static EchoServer start(Impl impl) throws Exception {
        return switch (impl) {
            case SOCKETLOOM -> new SocketLoomEcho(null, LineServers::serve);
            case RAW_VT -> new ThreadPerConnectionEcho(Thread.ofVirtual().name("rawvt-client-", 0),
                    LineServers::serveRaw);
            default -> throw new IllegalArgumentException("no line server for " + impl.id());
        };
    }

    /** Parses the decimal number after the last space of {@code line}. */
    static int lengthOf(String line) {
        int n = 0;
        for (int i = line.lastIndexOf(' ') + 1; i < line.length(); i++) {
            n = n * 10 + (line.charAt(i) - '0');
        }
        if (n > MAX_VALUE) {
            throw new IllegalArgumentException("value too long: " + line);
        }
        return n;
    }

    /** Appends {@code +OK <len>\r\n} at {@code at}; returns the new end. */
    static int appendOk(byte[] out, int at, int len) {
        out[at++] = '+';
        out[at++] = 'O';
        out[at++] = 'K';
        out[at++] = ' ';
        if (len >= 1000) {
            out[at++] = (byte) ('0' + len / 1000);
        }
        if (len >= 100) {
            out[at++] = (byte) ('0' + len / 100 % 10);
        }
        if (len >= 10) {
            out[at++] = (byte) ('0' + len / 10 % 10);
        }
        out[at++] = (byte) ('0' + len % 10);
        out[at++] = '\r';
        out[at++] = '\n';
        return at;
    }

    /** The SocketLoom handler. */
    static void serve(Connection c) throws InetException {
        byte[] value = new byte[MAX_VALUE];
        byte[] crlf = new byte[2];
        byte[] out = new byte[8192];
        int outLen = 0;
        String line;
        while ((line = c.readLine()) != null) {
            int len = lengthOf(line);
            c.readFully(value, 0, len);
            c.readFully(crlf, 0, 2);
            outLen = appendOk(out, outLen, len);
            if (outLen > out.length - 16 || c.available() == 0) {
                c.write(out, 0, outLen);
                outLen = 0;
            }
        }
    }

    /** The same on a raw socket with a {@link BufferedInputStream}. */
    static void serveRaw(Socket s) throws IOException {
        BufferedInputStream in = new BufferedInputStream(s.getInputStream());
        OutputStream o = s.getOutputStream();
        byte[] value = new byte[MAX_VALUE];
        byte[] crlf = new byte[2];
        byte[] lineBuf = new byte[256];
        byte[] out = new byte[8192];
        int outLen = 0;
        String line;
        while ((line = readLine(in, lineBuf)) != null) {
            int len = lengthOf(line);
            readFully(in, value, len);
            readFully(in, crlf, 2);
            outLen = appendOk(out, outLen, len);
            if (outLen > out.length - 16 || in.available() == 0) {
                o.write(out, 0, outLen);
                outLen = 0;
            }
        }
    }

    /** A line up to LF (CR stripped) as UTF-8, null at end of stream: the usual byte-by-byte loop. */
    private static String readLine(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (n == buf.length) {
                throw new IOException("line too long");
            }
            buf[n++] = (byte) b;
        }
        if (b < 0 && n == 0) {
            return null;
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    private static void readFully(InputStream in, byte[] b, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, done, len - done);
            if (n < 0) {
                throw new EOFException();
            }
            done += n;
        }
    }
}
