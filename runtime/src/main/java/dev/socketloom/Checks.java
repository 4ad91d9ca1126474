package dev.socketloom;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SNIHostName;

/** Argument validation shared by the option builders. */
final class Checks {
    private Checks() {
    }

    static Duration timeout(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }

    /** Zero (the OS default) or a whole number of seconds the TCP stack accepts for keepalive timing. */
    static Duration keepAliveSeconds(Duration value, String name) {
        timeout(value, name);
        if (!value.isZero() && (value.toNanos() % 1_000_000_000L != 0 || value.getSeconds() > 32_767)) {
            throw new IllegalArgumentException(name + " must be zero or whole seconds 1..32767, was " + value);
        }
        return value;
    }

    static int nonNegative(int value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
        return value;
    }

    static int port(int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        return port;
    }

    /** {@code list} without repeats, if it is a non-empty subset of {@code allowed}. */
    static List<String> subset(List<String> list, List<String> allowed, String name) {
        if (list.isEmpty() || !Set.copyOf(allowed).containsAll(list)) {
            throw new IllegalArgumentException(name + " must be a non-empty subset of " + allowed + ", was " + list);
        }
        return list.stream().distinct().toList();
    }

    /** ALPN protocol names: 1..255 bytes of UTF-8 each. */
    static List<String> alpnNames(String... names) {
        for (String n : names) {
            int len = Objects.requireNonNull(n, "application protocol").getBytes(StandardCharsets.UTF_8).length;
            if (len == 0 || len > 255) {
                throw new IllegalArgumentException("ALPN protocol names are 1..255 bytes, was \"" + n + "\"");
            }
        }
        return List.of(names);
    }

    /** A host name that may be sent as SNI. */
    static String sniHostName(String hostName) {
        try {
            new SNIHostName(hostName);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid SNI host name: " + hostName, e);
        }
        return hostName;
    }
}
