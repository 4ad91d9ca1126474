package dev.socketloom.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;

/**
 * A peer that keeps reading, slowly: it accepts one connection on a listener with a small receive buffer and reads
 * {@code chunk} bytes, pauses {@code pauseNanos}, and so on until the stream ends. A writer to it makes progress all
 * the time but needs far longer than a small write timeout for a large write.
 */
public final class SlowReader implements AutoCloseable {
    private final ServerSocket listener;
    private final CompletableFuture<Long> total = new CompletableFuture<>();
    private volatile long read;

    private SlowReader(ServerSocket listener, int chunk, long pauseNanos) throws IOException {
        this.listener = listener;
        listener.setReceiveBufferSize(chunk); // before bind: the window the accepted socket advertises
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        Thread.ofVirtual().name("slow-reader").start(() -> {
            try (Socket s = listener.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[chunk];
                while (true) {
                    int got = 0;
                    int n = 0;
                    while (got < chunk && (n = in.read(buf, got, chunk - got)) >= 0) {
                        got += n;
                    }
                    read += got;
                    if (n < 0) {
                        break;
                    }
                    LockSupport.parkNanos(pauseNanos); // the slow peer's pace, not a synchronization
                }
                total.complete(read);
            } catch (IOException e) {
                total.completeExceptionally(e);
            }
        });
    }

    /** A plain TCP slow reader. */
    public static SlowReader plain(int chunk, long pauseNanos) throws IOException {
        return new SlowReader(new ServerSocket(), chunk, pauseNanos);
    }

    /** A TLS slow reader (server side of {@code ctx}). */
    public static SlowReader tls(SSLContext ctx, int chunk, long pauseNanos) throws IOException {
        return new SlowReader(ctx.getServerSocketFactory().createServerSocket(), chunk, pauseNanos);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes read so far. */
    public long read() {
        return read;
    }

    /** Completes with the bytes read in all once the writer ended its stream. */
    public CompletableFuture<Long> total() {
        return total;
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
