/**
 * TLS: {@link dev.socketloom.internal.tls.TlsLayer} (one connection's {@code SSLSocket}: handshake, info, bounded
 * close_notify), {@link dev.socketloom.internal.tls.TlsTransport} (the TCP socket as the {@code SSLSocket} sees it;
 * its close never blocks), {@link dev.socketloom.internal.tls.TlsContexts} and {@link
 * dev.socketloom.internal.tls.Pem} (key and trust material, used by {@code TlsOptions} when built), {@link
 * dev.socketloom.internal.tls.TlsInfos} (what a handshake negotiated).
 *
 * <p><b>May use:</b> {@code dial}, {@code errors}, {@code util}. <b>Invariant:</b> no TLS call that can block on the
 * peer runs without a watchdog deadline that closes the TCP socket.
 */
package dev.socketloom.internal.tls;
