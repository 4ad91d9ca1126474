package dev.socketloom;

import java.time.Duration;
import java.util.Objects;

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
}
