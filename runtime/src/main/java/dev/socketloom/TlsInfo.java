package dev.socketloom;

import java.util.List;
import java.util.Objects;

/**
 * What a TLS handshake negotiated, for {@link Connection#tlsInfo()} (SocketWrench's {@code SECURITYINFO}): protocol
 * version, cipher suite, the peer's certificate chain, the ALPN protocol and the SNI host name.
 *
 * <p>Taken from the completed handshake (the first time it is asked for); an immutable snapshot holding no JDK session or certificate object, safe
 * to keep and share between threads.
 *
 * @param protocol            the protocol version, {@code TLSv1.3} or {@code TLSv1.2}
 * @param cipherSuite         the negotiated cipher suite, for example {@code TLS_AES_256_GCM_SHA384}
 * @param peerCertificates    the certificate chain the peer presented, leaf first; empty when it presented none (a
 *                            client without a certificate on a server whose client authentication is not required)
 * @param applicationProtocol the ALPN protocol both sides agreed on, or the empty string when none was negotiated
 * @param serverName          the SNI host name: the one a client sent, or the one a server received; {@code null}
 *                            when none was sent (a client connecting to an IP address)
 */
public record TlsInfo(String protocol, String cipherSuite, List<CertificateInfo> peerCertificates,
                      String applicationProtocol, String serverName) {
    /** Copies the chain so the record stays immutable. */
    public TlsInfo {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(cipherSuite, "cipherSuite");
        peerCertificates = List.copyOf(peerCertificates);
        Objects.requireNonNull(applicationProtocol, "applicationProtocol");
    }
}
