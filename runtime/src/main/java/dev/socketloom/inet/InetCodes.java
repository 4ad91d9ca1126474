package dev.socketloom.inet;

import dev.socketloom.ConnectOptions;
import dev.socketloom.Event;
import dev.socketloom.EventHandler;
import dev.socketloom.InetError;
import dev.socketloom.InetException;
import dev.socketloom.ProxyProtocol;
import dev.socketloom.ServerOptions;
import dev.socketloom.TlsOptions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Translation between the {@link Inet} facade's C-style arguments (option bits, event codes and masks, seconds) and
 * the typed API. Stateless.
 */
final class InetCodes {
    private InetCodes() {
    }

    /** The TLS options of a secure client without credentials: the JDK's trust, host names verified; made once. */
    private static volatile TlsOptions defaultClientTls;

    /**
     * Client options: the option bits, and with {@code INET_OPTION_SECURE} implicit TLS from {@code credentials} (or
     * the JDK's default trust when null); {@code INET_OPTION_TRUSTEDSITE} then trusts every server (unsafe).
     */
    static ConnectOptions clientOptions(int timeoutSec, int options, TlsOptions credentials) throws InetException {
        ConnectOptions co = connectOptions(timeoutSec, options);
        if ((options & Inet.INET_OPTION_SECURE) == 0) {
            if (credentials != null) {
                throw new InetException(InetError.INVALID_ARGUMENT, "credentials need INET_OPTION_SECURE");
            }
            return co; // INET_OPTION_TRUSTEDSITE alone has no effect, as in SocketWrench
        }
        TlsOptions tls = credentials;
        if ((options & Inet.INET_OPTION_TRUSTEDSITE) != 0) {
            tls = (credentials != null ? credentials.toBuilder() : TlsOptions.builder()).trustAll().build();
        } else if (tls == null) {
            tls = defaultClientTls;
            if (tls == null) {
                tls = TlsOptions.builder().build();
                defaultClientTls = tls;
            }
        }
        return co.toBuilder().tls(tls).build();
    }

    /** Connection options from the option bits, without TLS (see {@link #clientOptions}). */
    static ConnectOptions connectOptions(int timeoutSec, int options) throws InetException {
        if (timeoutSec < 0) {
            throw new InetException(InetError.INVALID_ARGUMENT, "timeout must not be negative: " + timeoutSec);
        }
        int known = Inet.INET_OPTION_REUSEADDRESS | Inet.INET_OPTION_KEEPALIVE | Inet.INET_OPTION_NODELAY
                | Inet.INET_OPTION_SECURE | Inet.INET_OPTION_TRUSTEDSITE;
        if ((options & ~known) != 0) {
            throw new InetException(InetError.INVALID_ARGUMENT, "unknown option bits 0x"
                    + Integer.toHexString(options & ~known));
        }
        Duration timeout = Duration.ofSeconds(timeoutSec);
        return ConnectOptions.builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .tcpNoDelay((options & Inet.INET_OPTION_NODELAY) != 0)
                .keepAlive((options & Inet.INET_OPTION_KEEPALIVE) != 0)
                .build();
    }

    static Set<Event> events(int mask) {
        EnumSet<Event> set = EnumSet.noneOf(Event.class);
        for (Event e : Event.values()) {
            if ((mask & (1 << code(e))) != 0) {
                set.add(e);
            }
        }
        return set;
    }

    static int code(Event e) {
        return switch (e) {
            case CONNECT -> Inet.INET_EVENT_CONNECT;
            case DISCONNECT -> Inet.INET_EVENT_DISCONNECT;
            case READ -> Inet.INET_EVENT_READ;
            case WRITE -> Inet.INET_EVENT_WRITE;
            case TIMEOUT -> Inet.INET_EVENT_TIMEOUT;
            case CANCEL -> Inet.INET_EVENT_CANCEL;
            case ERROR -> Inet.INET_EVENT_ERROR;
        };
    }

    /** Adapts an {@link InetEventProc} to one handle's events. */
    static EventHandler adapt(int[] handle, InetEventProc proc) {
        return (c, event, error) -> proc.onEvent(handle[0], code(event), error == null ? 0 : error.error().code());
    }

    /** The options of {@link Inet#serverStart}: clients get the option bits and the idle timeout, no read timeout. */
    static ServerOptions serverOptions(String localHost, int port, int backlog, int maxClients, int timeoutSec,
                                       int options, TlsOptions credentials) throws InetException {
        ConnectOptions co = connectOptions(timeoutSec, options & ~Inet.INET_OPTION_PROXY_PROTOCOL);
        boolean secure = (options & Inet.INET_OPTION_SECURE) != 0;
        if (secure != (credentials != null)) {
            throw new InetException(InetError.INVALID_ARGUMENT, secure
                    ? "a secure server (INET_OPTION_SECURE) needs credentials: a certificate and its key"
                    : "credentials need INET_OPTION_SECURE");
        }
        // clients wait for data as long as it takes (an idle timeout, below, ends idle ones); writes stay bounded
        ServerOptions.Builder b = ServerOptions.builder().clientOptions(co.toBuilder().readTimeout(Duration.ZERO)
                .build());
        if ((options & Inet.INET_OPTION_PROXY_PROTOCOL) != 0) {
            b.proxyProtocol(ProxyProtocol.REQUIRED);
        }
        if (localHost != null && !localHost.isEmpty()) {
            try {
                b.bindAddress(InetAddress.getByName(localHost));
            } catch (UnknownHostException e) {
                throw new InetException(InetError.HOST_NOT_FOUND, localHost, e);
            }
        }
        try {
            b.port(port).maxClients(maxClients).idleTimeout(Duration.ofSeconds(timeoutSec))
                    .tls(credentials);
            if (backlog > 0) {
                b.backlog(backlog);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InetException(InetError.INVALID_ARGUMENT, e.getMessage());
        }
    }
}
