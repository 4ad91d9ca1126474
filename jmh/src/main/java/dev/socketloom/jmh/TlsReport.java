package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The TLS part of a result directory as {@code tls-summary.md}: round trips/s of {@link TlsInterleavedBenchmark}
 * ({@code tls-interleaved.json}) and {@link TlsEchoBenchmark} ({@code tls-echo.json}), handshakes/s of
 * {@link TlsHandshakeBenchmark} ({@code tls-handshake.json}) and bytes per idle TLS connection
 * ({@code footprint-tls.json}), each with SocketLoom's ratio to raw virtual threads over {@code SSLSocket} (the bar:
 * at least 0.95) and to Netty's {@code SslHandler} on the JDK and on OpenSSL. The files are not named
 * {@code jmh*.json}, so the plain {@link Report} of the same directory does not read them.
 */
public final class TlsReport {
    private static final String[] IMPLS = {"socketloom", "rawvt", "netty-jdk", "netty-openssl"};

    private TlsReport() {
    }

    /** Writes {@code tls-summary.md} from whichever TLS result files exist in {@code dir}; returns its path. */
    public static Path generate(Path dir) throws IOException {
        StringBuilder md = new StringBuilder("# TLS results\n\n");
        Path interleaved = dir.resolve("tls-interleaved.json");
        if (Files.exists(interleaved)) {
            md.append("TLS 1.3 echo, interleaved (all servers in one trial, each under the same concurrent load), "
                    + "round trips/s:\n\n");
            Map<String, Map<String, Double>> rows = new TreeMap<>();
            Map<String, Map<String, String>> cpu = new TreeMap<>();
            for (JsonNode r : new ObjectMapper().readTree(interleaved.toFile())) {
                JsonNode params = r.get("params");
                String key = String.format(Locale.ROOT, "%6d conns, %5d B", params.get("connections").asInt(),
                        params.get("size").asInt());
                JsonNode sec = r.get("secondaryMetrics");
                for (String impl : IMPLS) {
                    String field = Counters.prefix(impl);
                    double ns = sec.get(field + "Nanos").get("score").asDouble();
                    double trips = sec.get(field + "RoundTrips").get("score").asDouble();
                    rows.computeIfAbsent(key, k -> new TreeMap<>()).put(impl, trips * 1e9 / ns);
                    double answered = score(sec, field + "Answered");
                    double wall = score(sec, field + "WallNanos");
                    if (answered > 0 && wall > 0) {
                        double server = score(sec, field + "ServerCpuNanos");
                        double client = score(sec, field + "ClientCpuNanos");
                        cpu.computeIfAbsent(key, k -> new TreeMap<>()).put(impl, String.format(Locale.ROOT,
                                "%.1f / %.1f (%.2f / %.2f)", server / answered / 1e3, client / answered / 1e3,
                                server / wall, client / wall));
                    }
                }
            }
            table(md, "connections, size", rows);
            md.append('\n');
            if (!cpu.isEmpty()) {
                md.append("CPU per round trip, µs: server JVM / load threads (cores used by each while loaded):\n\n")
                        .append("| connections, size | ").append(String.join(" | ", IMPLS)).append(" |\n")
                        .append("|---".repeat(IMPLS.length + 1)).append("|\n");
                cpu.forEach((key, byImpl) -> {
                    md.append("| ").append(key.trim());
                    for (String impl : IMPLS) {
                        md.append(" | ").append(byImpl.getOrDefault(impl, "-"));
                    }
                    md.append(" |\n");
                });
                md.append("\nThe load (one `SSLEngine` per connection on NIO selector threads in a JVM of its own) is "
                        + "the same code for every server, so a difference in round trips/s comes from the server; "
                        + "its CPU per round trip says how much of the machine each round trip costs it.\n\n");
            }
        }
        Path echo = dir.resolve("tls-echo.json");
        if (Files.exists(echo)) {
            md.append("TLS 1.3 echo, sequential (one server per trial), round trips/s:\n\n");
            Map<String, Map<String, Double>> rows = new TreeMap<>();
            for (JsonNode r : new ObjectMapper().readTree(echo.toFile())) {
                JsonNode params = r.get("params");
                int connections = params.get("connections").asInt();
                String key = String.format(Locale.ROOT, "%6d conns, %5d B", connections, params.get("size").asInt());
                double meanMicros = r.get("primaryMetric").get("score").asDouble();
                rows.computeIfAbsent(key, k -> new TreeMap<>()).put(params.get("impl").asText(),
                        connections / (meanMicros / 1e6));
            }
            table(md, "connections, size", rows);
        }
        Path handshake = dir.resolve("tls-handshake.json");
        if (Files.exists(handshake)) {
            md.append("\nFull TLS 1.3 handshakes/s (connect, handshake, 1-byte echo, close; 4 client threads), and the "
                    + "server JVM's CPU time per handshake, µs:\n\n");
            Map<String, Map<String, Double>> rows = new TreeMap<>();
            for (JsonNode r : new ObjectMapper().readTree(handshake.toFile())) {
                String impl = r.get("params").get("impl").asText();
                rows.computeIfAbsent("handshakes/s", k -> new TreeMap<>()).put(impl,
                        r.get("primaryMetric").get("score").asDouble());
                JsonNode sec = r.path("secondaryMetrics");
                double n = score(sec, "handshakes");
                if (n > 0) {
                    rows.computeIfAbsent("server CPU µs per handshake", k -> new TreeMap<>()).put(impl,
                            score(sec, "serverCpuNanos") / n / 1e3);
                }
            }
            table(md, "", rows);
        }
        Path footprint = dir.resolve("footprint-tls.json");
        if (Files.exists(footprint)) {
            md.append("\nServer memory per idle TLS connection (after full GC), bytes:\n\n");
            Map<String, Map<String, Double>> heap = new TreeMap<>();
            for (JsonNode r : new ObjectMapper().readTree(footprint.toFile())) {
                heap.computeIfAbsent("heap", k -> new TreeMap<>()).put(r.get("impl").asText(),
                        r.get("heapPerConnection").asDouble());
                heap.computeIfAbsent("rss", k -> new TreeMap<>()).put(r.get("impl").asText(),
                        r.get("rssPerConnection").asDouble());
            }
            table(md, "per connection", heap);
        }
        Path out = dir.resolve("tls-summary.md");
        Files.writeString(out, md);
        return out;
    }

    private static double score(JsonNode secondary, String name) {
        return secondary.path(name).path("score").asDouble();
    }

    private static void table(StringBuilder md, String first, Map<String, Map<String, Double>> rows) {
        md.append("| ").append(first).append(" | ").append(String.join(" | ", IMPLS))
                .append(" | SocketLoom / raw VT | SocketLoom / Netty JDK | SocketLoom / Netty OpenSSL |\n");
        md.append("|---".repeat(IMPLS.length + 4)).append("|\n");
        rows.forEach((key, byImpl) -> {
            md.append("| ").append(key.trim());
            for (String impl : IMPLS) {
                Double v = byImpl.get(impl);
                md.append(" | ").append(v == null ? "-" : String.format(Locale.ROOT, "%,.0f", v));
            }
            Double sl = byImpl.get("socketloom");
            for (String base : new String[] {"rawvt", "netty-jdk", "netty-openssl"}) {
                Double b = byImpl.get(base);
                md.append(" | ").append(sl == null || b == null || b == 0 ? "-"
                        : String.format(Locale.ROOT, "%.2f", sl / b));
            }
            md.append(" |\n");
        });
    }
}
