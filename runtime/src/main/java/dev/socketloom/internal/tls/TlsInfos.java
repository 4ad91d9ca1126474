package dev.socketloom.internal.tls;

import dev.socketloom.CertificateInfo;
import dev.socketloom.TlsInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/** Snapshots a completed handshake as a {@link TlsInfo} that holds no JDK session or certificate. Stateless. */
final class TlsInfos {
    private TlsInfos() {
    }

    /** What {@code ssl} negotiated; {@code sentServerName} is the SNI name a client sent (null on a server). */
    static TlsInfo of(SSLSocket ssl, String sentServerName) {
        SSLSession session = ssl.getSession();
        List<CertificateInfo> peer = new ArrayList<>();
        try {
            for (Certificate c : session.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    peer.add(certificate(x));
                }
            }
        } catch (SSLPeerUnverifiedException noCertificate) {
            // a client that presented none (client authentication NONE or OPTIONAL)
        }
        String alpn = ssl.getApplicationProtocol();
        String sni = sentServerName;
        if (sni == null && session instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n instanceof SNIHostName host) {
                    sni = host.getAsciiName();
                }
            }
        }
        return new TlsInfo(session.getProtocol(), session.getCipherSuite(), peer, alpn == null ? "" : alpn, sni);
    }

    static CertificateInfo certificate(X509Certificate x) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = x.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        names.add("DNS:" + san.get(1));
                    } else if (type == 7) {
                        names.add("IP:" + san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException unreadable) {
            // a certificate the handshake accepted but whose names we cannot list: report none
        }
        return new CertificateInfo(x.getSubjectX500Principal().getName(), x.getIssuerX500Principal().getName(),
                x.getSerialNumber().toString(16), x.getNotBefore().toInstant(), x.getNotAfter().toInstant(),
                sha256(x), names);
    }

    private static String sha256(X509Certificate x) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(x.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 of a certificate the handshake accepted", e);
        }
    }
}
