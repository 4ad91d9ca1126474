package dev.socketloom.internal.tls;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * The connection's TCP socket as its {@link SSLSocket} sees it: every call goes to the real socket,
 * except {@link #close()}. When the JDK's TLS engine closes the transport (after a fatal alert, or on its own close
 * paths) this only shuts the output down, so the peer reads the alert and then end of stream; the descriptor is closed
 * by the connection itself, in one place ({@code ConnectionLifecycle.closeOnce}), as for plain connections.
 *
 * <p>Why: a TCP close with unread input makes the kernel send a reset, which can overtake the alert, so a peer told
 * "certificate required" would only see "connection reset". The failed handshake's own thread drains the input for a
 * moment first ({@link TlsLayer}). Thread-safe as the underlying socket is.
 */
final class TlsTransport extends Socket {
    private final Socket raw;

    TlsTransport(Socket raw) throws SocketException {
        super((SocketImpl) null);
        this.raw = raw;
    }

    @Override
    public void close() {
        try {
            if (!raw.isClosed() && !raw.isOutputShutdown()) {
                raw.shutdownOutput();
            }
        } catch (IOException alreadyGone) {
            // closed concurrently: nothing left to shut down
        }
    }

    @Override
    public boolean isClosed() {
        return raw.isClosed();
    }

    /**
     * The socket's input, except that closing it does not close the socket. When the server read the first handshake
     * bytes with a PROXY header, the JDK's TLS engine reads them and then the socket through a
     * {@link java.io.SequenceInputStream}, which closes each stream it exhausts: a peer's bare FIN would close the
     * descriptor under the engine, whose end-of-stream handling then fails in {@link #shutdownInput()} ("Socket is
     * closed") instead of reporting end of stream.
     */
    @Override
    public InputStream getInputStream() throws IOException {
        return new FilterInputStream(raw.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return in.read(b, off, len); // straight through: FilterInputStream's own adds nothing
            }

            @Override
            public void close() {
                // the connection closes the socket itself, in closeOnce
            }
        };
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return raw.getOutputStream();
    }

    @Override
    public SocketChannel getChannel() {
        return null; // the layered SSLSocket must use the streams
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        throw new SocketException("already connected");
    }

    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        throw new SocketException("already bound");
    }

    @Override
    public boolean isConnected() {
        return raw.isConnected();
    }

    @Override
    public boolean isBound() {
        return raw.isBound();
    }

    @Override
    public void shutdownInput() throws IOException {
        raw.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        raw.shutdownOutput();
    }

    @Override
    public boolean isInputShutdown() {
        return raw.isInputShutdown();
    }

    @Override
    public boolean isOutputShutdown() {
        return raw.isOutputShutdown();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return raw.getLocalSocketAddress();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return raw.getRemoteSocketAddress();
    }

    @Override
    public InetAddress getInetAddress() {
        return raw.getInetAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        return raw.getLocalAddress();
    }

    @Override
    public int getPort() {
        return raw.getPort();
    }

    @Override
    public int getLocalPort() {
        return raw.getLocalPort();
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        raw.setTcpNoDelay(on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return raw.getTcpNoDelay();
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        raw.setSoLinger(on, linger);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return raw.getSoLinger();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        raw.setSoTimeout(timeout);
    }

    @Override
    public int getSoTimeout() throws SocketException {
        return raw.getSoTimeout();
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        raw.setSendBufferSize(size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return raw.getSendBufferSize();
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        raw.setReceiveBufferSize(size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return raw.getReceiveBufferSize();
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        raw.setKeepAlive(on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return raw.getKeepAlive();
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        raw.setTrafficClass(tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return raw.getTrafficClass();
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        raw.setReuseAddress(on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return raw.getReuseAddress();
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        raw.setOOBInline(on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return raw.getOOBInline();
    }

    @Override
    public void sendUrgentData(int data) throws IOException {
        raw.sendUrgentData(data);
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        raw.setPerformancePreferences(connectionTime, latency, bandwidth);
    }

    @Override
    public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
        raw.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return raw.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return raw.supportedOptions();
    }

    @Override
    public String toString() {
        return "TlsTransport[" + raw + "]";
    }
}
