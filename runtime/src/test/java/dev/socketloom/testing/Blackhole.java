package dev.socketloom.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address and port where a connect hangs instead of being refused, the way a peer behind a dropped link
 * or a firewall that drops SYNs looks: a listener that never accepts, with its accept queue filled, so Linux drops
 * further SYNs and the connecting side keeps retransmitting. Closing it releases every socket. Not thread-safe.
 */
public final class Blackhole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    /** A black hole on {@code address} (for example 127.0.0.2), on an ephemeral port. */
    public Blackhole(String address) throws IOException {
        this(address, 0);
    }

    /** A black hole on {@code address} and {@code port} (0: ephemeral). */
    public Blackhole(String address, int port) throws IOException {
        listener = new ServerSocket(port, 1, InetAddress.getByName(address));
        try {
            // bounded: the queue of a backlog-1 listener holds two; the connect after them is not answered
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                try {
                    s.connect(listener.getLocalSocketAddress(), 500);
                    fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return;
                }
            }
            throw new IOException("the accept queue of " + listener + " never filled up");
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** The address that does not answer. */
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        listener.close();
    }
}
