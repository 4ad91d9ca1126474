package dev.socketloom.stress.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Reads a command-line duration: a number with a unit ({@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}) or ISO-8601
 * ({@code PT5S}). Must be positive. Stateless; picocli calls it while parsing, on the main thread.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern WITH_UNIT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    @Override
    public Duration convert(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        Matcher m = WITH_UNIT.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else {
            try {
                d = Duration.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not a duration; use a number with ms, s, m or h (e.g. 5s) or ISO-8601 (e.g. PT5S)");
            }
        }
        if (d.isZero() || d.isNegative()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be longer than zero");
        }
        return d;
    }
}
