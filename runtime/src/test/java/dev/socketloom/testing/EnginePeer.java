package dev.socketloom.testing;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A TLS peer built on the JDK's {@link SSLEngine} over a plain socket, for tests that must see what arrives on the
 * wire, which {@code SSLSocket} hides: whether the other side closed with a TLS close_notify, with a bare TCP FIN, or
 * with a reset. Single-threaded; one handshake, then reads.
 */
public final class EnginePeer implements AutoCloseable {
    /** How a connection ended, as seen by this peer. */
    public enum Ending { CLOSE_NOTIFY, EOF_WITHOUT_CLOSE_NOTIFY, RESET }

    private final Socket socket;
    private final SSLEngine engine;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuffer netIn;
    private final ByteBuffer appIn;
    private final ByteBuffer netOut;

    /** A peer on the connected {@code socket}; {@code client} picks the role. */
    public EnginePeer(Socket socket, SSLContext ctx, boolean client, String protocol) throws IOException {
        this.socket = socket;
        this.engine = client ? ctx.createSSLEngine("localhost", socket.getPort()) : ctx.createSSLEngine();
        engine.setUseClientMode(client);
        engine.setEnabledProtocols(new String[] {protocol});
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        int packet = engine.getSession().getPacketBufferSize();
        netIn = ByteBuffer.allocate(packet * 2);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        netOut = ByteBuffer.allocate(packet * 2);
    }

    /** Runs the handshake to completion. */
    public void handshake(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    if (unwrapOnce() < 0) {
                        throw new EOFException("peer closed during the handshake");
                    }
                }
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Sends application bytes. */
    public void write(byte[] data) throws IOException {
        wrap(ByteBuffer.wrap(data));
    }

    /**
     * Encrypts {@code data} as one record and sends only its first {@code firstBytes} bytes; returns the rest, to be
     * sent with {@link #writeRaw} (a record split across TCP segments, with a pause in between).
     */
    public byte[] writePartial(byte[] data, int firstBytes) throws IOException {
        netOut.clear();
        engine.wrap(ByteBuffer.wrap(data), netOut);
        out.write(netOut.array(), 0, firstBytes);
        out.flush();
        return java.util.Arrays.copyOfRange(netOut.array(), firstBytes, netOut.position());
    }

    /** Sends bytes as they are (the rest of a split record). */
    public void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads application bytes until {@code n} arrived; returns them. */
    public byte[] read(int n) throws IOException {
        byte[] result = new byte[n];
        int got = 0;
        while (got < n) {
            appIn.flip();
            int take = Math.min(appIn.remaining(), n - got);
            appIn.get(result, got, take);
            appIn.compact();
            got += take;
            if (got < n && unwrapOnce() < 0) {
                throw new EOFException("ended after " + got + " of " + n + " bytes");
            }
        }
        return result;
    }

    /** Reads (and drops) application data until the connection ends, and reports how it ended. */
    public Ending awaitEnd(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            while (true) {
                int r = unwrapOnce();
                appIn.clear();
                if (engine.isInboundDone()) {
                    return Ending.CLOSE_NOTIFY;
                }
                if (r < 0) {
                    try {
                        engine.closeInbound();
                    } catch (SSLException truncated) {
                        return Ending.EOF_WITHOUT_CLOSE_NOTIFY;
                    }
                    return Ending.CLOSE_NOTIFY;
                }
            }
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).toLowerCase().contains("reset")) {
                return Ending.RESET;
            }
            throw e;
        }
    }

    /** Stops reading: what the other side writes now piles up in the buffers. */
    public Socket socket() {
        return socket;
    }

    private void wrap(ByteBuffer app) throws IOException {
        do {
            netOut.clear();
            SSLEngineResult r = engine.wrap(app, netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                return;
            }
            out.write(netOut.array(), 0, netOut.position());
        } while (app.hasRemaining());
        out.flush();
    }

    /** Unwraps one record (reading more bytes as needed); -1 at end of stream. */
    private int unwrapOnce() throws IOException {
        while (true) {
            netIn.flip();
            SSLEngineResult r = engine.unwrap(netIn, appIn);
            netIn.compact();
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            }
            switch (r.getStatus()) {
                case OK, CLOSED -> {
                    if (r.bytesConsumed() > 0 || r.getStatus() == SSLEngineResult.Status.CLOSED
                            || r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        return r.bytesProduced();
                    }
                }
                case BUFFER_UNDERFLOW -> {
                }
                case BUFFER_OVERFLOW -> throw new IOException("test peer's application buffer is full");
            }
            int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
            if (n < 0) {
                return -1;
            }
            netIn.position(netIn.position() + n);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
