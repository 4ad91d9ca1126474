package dev.socketloom.stress.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scenario measured and which of its guarantees held. A scenario records metrics in order and one entry per
 * guarantee it checked; {@link #ok()} is false when any guarantee broke (the CLI then exits non-zero and the JUnit
 * test fails with {@link #render()}).
 *
 * <p>Thread-safe: scenarios may record from several threads.
 */
public final class Report {
    private final String scenario;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private final Map<String, Object> metrics = new LinkedHashMap<>();
    private final List<String> held = new ArrayList<>();
    private final List<String> broken = new ArrayList<>();
    private final Instant started = Instant.now();

    public Report(String scenario) {
        this.scenario = scenario;
    }

    public String scenario() {
        return scenario;
    }

    /** Records an input parameter. */
    public synchronized Report parameter(String name, Object value) {
        parameters.put(name, value instanceof Duration d ? d.toString() : value);
        return this;
    }

    /** Records a measured value. */
    public synchronized Report metric(String name, Object value) {
        metrics.put(name, value instanceof Duration d ? d.toString() : value);
        return this;
    }

    /** A recorded metric, or null. */
    public synchronized Object metric(String name) {
        return metrics.get(name);
    }

    /** A recorded numeric metric as a long; fails if it is missing. */
    public synchronized long count(String name) {
        Object v = metrics.get(name);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("no numeric metric " + name + " in " + scenario);
        }
        return n.longValue();
    }

    /** Records one guarantee and whether it held. */
    public synchronized boolean check(boolean holds, String guarantee) {
        (holds ? held : broken).add(guarantee);
        return holds;
    }

    /** Records that {@code actual == expected} (with both values in the text). */
    public boolean checkEquals(long expected, long actual, String what) {
        return check(expected == actual, what + ": expected " + expected + ", was " + actual);
    }

    /** Whether every checked guarantee held (and at least one was checked). */
    public synchronized boolean ok() {
        return broken.isEmpty() && !held.isEmpty();
    }

    public synchronized List<String> broken() {
        return List.copyOf(broken);
    }

    /** A plain-text report. */
    public synchronized String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("== ").append(scenario).append(" ==\n");
        if (!parameters.isEmpty()) {
            sb.append("parameters: ");
            parameters.forEach((k, v) -> sb.append(k).append('=').append(v).append("  "));
            sb.append('\n');
        }
        int width = metrics.keySet().stream().mapToInt(String::length).max().orElse(10);
        metrics.forEach((k, v) -> sb.append(String.format("  %-" + width + "s  %s%n", k, format(v))));
        for (String h : held) {
            sb.append("  [ok]     ").append(h).append('\n');
        }
        for (String b : broken) {
            sb.append("  [BROKEN] ").append(b).append('\n');
        }
        sb.append(ok() ? "RESULT: all " + held.size() + " guarantees held\n"
                : "RESULT: " + broken.size() + " guarantee(s) BROKEN\n");
        return sb.toString();
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            return String.format("%,.1f", d);
        }
        if (v instanceof Long || v instanceof Integer) {
            return String.format("%,d", ((Number) v).longValue());
        }
        return String.valueOf(v);
    }

    /** Writes {@code <dir>/<scenario>.json} and {@code <dir>/<scenario>.txt}; returns the JSON file. */
    public synchronized Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", scenario);
        json.put("started", started.toString());
        json.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        json.put("cpus", Runtime.getRuntime().availableProcessors());
        json.put("ok", ok());
        json.put("parameters", parameters);
        json.put("metrics", metrics);
        json.put("held", held);
        json.put("broken", broken);
        Path file = dir.resolve(scenario + ".json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
        Files.writeString(dir.resolve(scenario + ".txt"), render());
        return file;
    }

    @Override
    public String toString() {
        return render();
    }
}
