package dev.socketloom.internal.errors;

import dev.socketloom.InetError;
import dev.socketloom.InetException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Maps the JDK's TLS failures to stable {@link InetError}s. The JDK reports them as {@link SSLException}s whose cause
 * chain names the real reason (a {@link CertificateException}, a {@code CertPathValidatorException}, a timeout) or,
 * for a failure the peer detected, only an alert name in the message ({@code Received fatal alert: bad_certificate}),
 * so both are consulted. The original exception stays the cause of what the caller throws.
 */
public final class TlsErrors {
    private TlsErrors() {
    }

    /** The code for a failure of a TLS handshake (or of TLS records afterwards: {@code handshaking} false). */
    public static InetError classify(Throwable e, boolean handshaking) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InetException ie) {
                return ie.error();
            }
            if (t instanceof SocketTimeoutException) {
                return InetError.TIMEOUT;
            }
            if (t instanceof CertificateException ce && isHostNameMismatch(ce)) {
                return InetError.HOST_NAME_MISMATCH;
            }
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return InetError.CERTIFICATE_INVALID;
            }
            if (t.getMessage() != null) {
                messages.append(t.getMessage().toLowerCase(Locale.ROOT)).append('\n');
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String msg = messages.toString();
        if (msg.contains("certificate_required") || msg.contains("empty client certificate chain")
                || msg.contains("empty certificate chain")) {
            return InetError.CERTIFICATE_REQUIRED;
        }
        if (msg.contains("bad_certificate") || msg.contains("certificate_unknown") || msg.contains("unknown_ca")
                || msg.contains("certificate_expired") || msg.contains("certificate_revoked")
                || msg.contains("unsupported_certificate")) {
            return InetError.CERTIFICATE_INVALID;
        }
        if (msg.contains("connection reset") || msg.contains("broken pipe")) {
            return InetError.CONNECTION_RESET;
        }
        if (handshaking) {
            return InetError.TLS_HANDSHAKE_FAILED;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException io && !(t instanceof SSLException)) {
                return Errors.classify(io); // the TCP failure underneath (reset, closed, ...)
            }
        }
        return InetError.IO_ERROR;
    }

    /** The JDK's host-name check (sun.security.util.HostnameChecker) fails with these messages. */
    private static boolean isHostNameMismatch(CertificateException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return m.contains("no subject alternative") || m.contains("no name matching")
                || m.contains("does not match");
    }

    /** A human-readable hint added to the JDK's message, so the cause is clear without reading the chain. */
    public static String hint(InetError error, boolean client) {
        return switch (error) {
            case CERTIFICATE_INVALID -> client
                    ? "the server certificate is not trusted, expired or not yet valid (or the server rejected ours)"
                    : "the client certificate is not trusted, expired or not yet valid (or the client rejected ours)";
            case HOST_NAME_MISMATCH -> "the server certificate was issued for another host name";
            case CERTIFICATE_REQUIRED -> "the server requires a client certificate and none was presented";
            case TIMEOUT -> "the handshake did not complete within the handshake timeout";
            case TLS_HANDSHAKE_FAILED -> "no common protocol, cipher suite or ALPN protocol, or a peer that does not "
                    + "speak TLS";
            default -> "";
        };
    }
}
