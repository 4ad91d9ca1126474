package dev.socketloom.jmh.load;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The TLS client side of one {@link LoadGenerator} connection: a JDK {@link SSLEngine} over the connection's
 * {@link SocketChannel}, so the same selector loop drives TLS servers with one {@code wrap} per request and one
 * {@code unwrap} per record received, on top of the plain path's one write and one read system call. The handshake
 * (host name {@code localhost} verified) runs blocking, before the channel goes non-blocking; after it, the engine
 * only encrypts and decrypts. Confined to one thread at a time (the generator's constructor, then its worker).
 */
final class TlsChannel {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    /** Encrypted bytes received and not yet decrypted (a partial record), in write mode. */
    private final ByteBuffer netIn;

    /** Makes the client engine for {@code port} on the loopback host. */
    TlsChannel(SSLContext context, int port) {
        engine = context.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(p);
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    }

    /** Largest record this connection can send or receive: the size of the scratch buffer {@link #wrap} needs. */
    int packetBufferSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** Largest plaintext one record can decrypt to: the size of the sink {@link #receive} needs. */
    int applicationBufferSize() {
        return engine.getSession().getApplicationBufferSize();
    }

    /** Runs the handshake on the blocking channel {@code ch}. */
    void handshake(SocketChannel ch) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(packetBufferSize());
        ByteBuffer app = ByteBuffer.allocate(applicationBufferSize());
        engine.beginHandshake();
        SSLEngineResult.HandshakeStatus hs = engine.getHandshakeStatus();
        while (hs != SSLEngineResult.HandshakeStatus.FINISHED
                && hs != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (hs) {
                case NEED_WRAP -> {
                    SSLEngineResult r = engine.wrap(EMPTY, out.clear());
                    checkOpen(r);
                    writeFully(ch, out.flip());
                    hs = r.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = engine.unwrap(netIn.flip(), app.clear());
                    netIn.compact();
                    checkOpen(r);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && ch.read(netIn) < 0) {
                        throw new EOFException("the server closed the connection during the TLS handshake");
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    runTasks();
                    hs = engine.getHandshakeStatus();
                }
                default -> throw new SSLException("unexpected handshake status " + hs);
            }
        }
    }

    /** Encrypts all of {@code request} into {@code out} (cleared first) and returns it ready to write. */
    ByteBuffer wrap(ByteBuffer request, ByteBuffer out) throws IOException {
        out.clear();
        while (request.hasRemaining()) {
            SSLEngineResult r = engine.wrap(request, out);
            checkOpen(r);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + r);
            }
        }
        return out.flip();
    }

    /**
     * Reads what arrived on {@code ch} and decrypts every whole record into {@code sink}, overwritten by each record
     * unless {@code keep}; returns the plaintext bytes decrypted, or -1 at end of stream.
     */
    int receive(SocketChannel ch, ByteBuffer sink, boolean keep) throws IOException {
        if (ch.read(netIn) < 0) {
            return -1;
        }
        int produced = 0;
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                SSLEngineResult r = engine.unwrap(netIn, keep ? sink : sink.clear());
                checkOpen(r);
                if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break; // a partial record: the rest comes with a later read
                }
                if (r.getStatus() != SSLEngineResult.Status.OK) {
                    throw new SSLException("unwrap: " + r);
                }
                produced += r.bytesProduced();
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks(); // a post-handshake message, such as a TLS 1.3 session ticket
                }
            }
        } finally {
            netIn.compact();
        }
        return produced;
    }

    /** Reads {@code length} plaintext bytes, blocking (for the check before a run); returns them. */
    byte[] readFully(SocketChannel ch, int length) throws IOException {
        ByteBuffer sink = ByteBuffer.allocate(length + applicationBufferSize());
        while (sink.position() < length) {
            if (receive(ch, sink, true) < 0) {
                throw new EOFException("server closed a connection before answering");
            }
        }
        byte[] got = new byte[sink.flip().remaining()];
        sink.get(got);
        return got;
    }

    static void writeFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static void checkOpen(SSLEngineResult r) throws EOFException {
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new EOFException("the server closed the TLS session");
        }
    }
}
