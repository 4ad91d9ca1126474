package dev.socketloom;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A summary of one X.509 certificate of a peer's chain (see {@link TlsInfo#peerCertificates()}): who it names, who
 * signed it, when it is valid, and its SHA-256 fingerprint, which identifies it exactly (what {@code openssl x509
 * -fingerprint -sha256} prints, without the colons).
 *
 * <p>Immutable and thread-safe; it holds strings and instants, never the JDK certificate object.
 *
 * @param subject                 the subject's distinguished name (RFC 2253), for example {@code CN=example.com}
 * @param issuer                  the issuer's distinguished name (RFC 2253)
 * @param serialNumber            the serial number in lower-case hexadecimal
 * @param notBefore               start of the validity period
 * @param notAfter                end of the validity period
 * @param sha256Fingerprint       SHA-256 of the DER encoding, 64 lower-case hexadecimal digits
 * @param subjectAlternativeNames the subject alternative names as {@code DNS:name} or {@code IP:address}; empty if none
 */
public record CertificateInfo(String subject, String issuer, String serialNumber, Instant notBefore, Instant notAfter,
                              String sha256Fingerprint, List<String> subjectAlternativeNames) {
    /** Copies the names so the record stays immutable. */
    public CertificateInfo {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(issuer, "issuer");
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    }
}
