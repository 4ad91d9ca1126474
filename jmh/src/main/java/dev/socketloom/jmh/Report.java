package dev.socketloom.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketloom.jmh.server.Impl;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Turns a result directory ({@code jmh*.json}, {@code footprint.json}, {@code meta.json}) into PNG charts (XChart)
 * and {@code summary.md}: the tables with the ratios SocketLoom / raw virtual threads and SocketLoom / Netty epoll
 * and whether the performance bars (docs/benchmarks.md) are met.
 *
 * <pre>java -cp jmh/target/benchmarks.jar dev.socketloom.jmh.Report jmh/results/&lt;run&gt;</pre>
 */
public final class Report {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> IMPLS = Stream.of(Impl.values()).map(Impl::id).toList();
    private static final String SL = Impl.SOCKETLOOM.id();
    private static final String VT = Impl.RAW_VT.id();
    private static final String EPOLL = Impl.NETTY_EPOLL.id();

    /**
     * Interleaved echo: (size, connections, impl) -> {round trips/s, server CPU µs per round trip, client CPU µs per
     * round trip, server cores, client cores}.
     */
    private final Map<Integer, Map<Integer, Map<String, double[]>>> interleaved = new TreeMap<>();
    /** Pipelined line protocol: (requests per round trip, connections, impl) -> as {@link #interleaved}. */
    private final Map<Integer, Map<Integer, Map<String, double[]>>> pipelined = new TreeMap<>();
    /** Connect cycles: (close mode, 1, impl) -> as {@link #interleaved}, a cycle counted as a round trip. */
    private final Map<String, Map<Integer, Map<String, double[]>>> connect = new TreeMap<>();
    /** Disconnect: (clients, impl) -> mean ms. */
    private final Map<Integer, Map<String, Double>> disconnect = new TreeMap<>();
    /** Footprint: (handler buffer, impl) -> {heap B/conn, RSS B/conn, of the heap stack chunks B/conn}. */
    private final Map<Integer, Map<String, double[]>> footprint = new TreeMap<>();
    private int footprintConnections;

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: Report <result directory>");
            System.exit(2);
        }
        generate(Path.of(args[0]));
    }

    /** Reads the results in {@code dir} and writes the charts and {@code summary.md} next to them. */
    public static void generate(Path dir) throws IOException {
        Report r = new Report();
        List<Path> jmhFiles;
        try (Stream<Path> files = Files.list(dir)) {
            jmhFiles = files.filter(p -> p.getFileName().toString().matches("jmh.*\\.json")).sorted().toList();
        }
        if (jmhFiles.isEmpty() && !Files.exists(dir.resolve("footprint.json"))) {
            throw new IOException("no jmh*.json or footprint.json in " + dir);
        }
        for (Path f : jmhFiles) {
            r.readJmh(JSON.readTree(f.toFile()));
        }
        if (Files.exists(dir.resolve("footprint.json"))) {
            for (JsonNode n : JSON.readTree(dir.resolve("footprint.json").toFile())) {
                r.footprint.computeIfAbsent(n.path("handlerBuffer").asInt(64), k -> new TreeMap<>())
                        .put(n.get("impl").asText(), new double[] {
                                n.get("heapPerConnection").asDouble(), n.get("rssPerConnection").asDouble(),
                                n.path("stackPerConnection").asDouble(Double.NaN)});
                r.footprintConnections = n.get("connections").asInt();
            }
        }
        r.charts(dir);
        Files.writeString(dir.resolve("summary.md"), r.markdown(dir));
    }

    private void readJmh(JsonNode results) {
        for (JsonNode b : results) {
            String name = b.get("benchmark").asText();
            JsonNode params = b.get("params");
            JsonNode metric = b.get("primaryMetric");
            double score = metric.get("score").asDouble();
            String impl = params.has("impl") ? params.get("impl").asText() : null;
            if (name.endsWith("InterleavedEchoBenchmark.cycle")) {
                loadRow(interleaved, params.get("size").asInt(), params.get("connections").asInt(),
                        b.get("secondaryMetrics"));
            } else if (name.endsWith("PipelinedBenchmark.cycle")) {
                loadRow(pipelined, params.get("pipelined").asInt(), params.get("connections").asInt(),
                        b.get("secondaryMetrics"));
            } else if (name.endsWith("ConnectCycleBenchmark.cycle")) {
                loadRow(connect, params.get("close").asText(), 1, b.get("secondaryMetrics"));
            } else if (name.endsWith("ServerDisconnectBenchmark.disconnect")) {
                JsonNode sec = b.get("secondaryMetrics");
                Map<String, Double> row = disconnect.computeIfAbsent(params.get("clients").asInt(),
                        k -> new TreeMap<>());
                for (String i : IMPLS) {
                    double ms = medianMillis(sec.path(Counters.prefix(i) + "Nanos").path("rawData"),
                            sec.path(Counters.prefix(i) + "Shots").path("rawData"));
                    if (ms > 0) {
                        row.put(i, ms);
                    }
                }
            }
        }
    }

    /** One interleaved benchmark's row from the {@link ImplCounters} of every implementation it ran. */
    private static <K> void loadRow(Map<K, Map<Integer, Map<String, double[]>>> into, K key, int connections,
                                    JsonNode sec) {
        Map<String, double[]> row = into.computeIfAbsent(key, k -> new TreeMap<>())
                .computeIfAbsent(connections, k -> new TreeMap<>());
        for (String i : IMPLS) {
            String f = Counters.prefix(i);
            double ns = sec.path(f + "Nanos").path("score").asDouble();
            double answered = sec.path(f + "Answered").path("score").asDouble();
            if (ns <= 0 || answered <= 0) {
                continue; // not run in this benchmark
            }
            double wall = sec.path(f + "WallNanos").path("score").asDouble();
            double server = sec.path(f + "ServerCpuNanos").path("score").asDouble();
            double client = sec.path(f + "ClientCpuNanos").path("score").asDouble();
            row.put(i, new double[] {sec.path(f + "RoundTrips").path("score").asDouble() * 1e9 / ns,
                    server / answered / 1e3, client / answered / 1e3, server / wall, client / wall});
        }
    }

    /** The median over iterations of nanos / shots, in ms; 0 if there is none. */
    private static double medianMillis(JsonNode nanos, JsonNode shots) {
        List<Double> per = new ArrayList<>();
        for (int fork = 0; fork < nanos.size(); fork++) {
            for (int it = 0; it < nanos.get(fork).size(); it++) {
                double n = shots.get(fork).get(it).asDouble();
                if (n > 0) {
                    per.add(nanos.get(fork).get(it).asDouble() / n / 1e6);
                }
            }
        }
        if (per.isEmpty()) {
            return 0;
        }
        per.sort(null);
        int m = per.size() / 2;
        return per.size() % 2 == 1 ? per.get(m) : (per.get(m - 1) + per.get(m)) / 2;
    }

    private void charts(Path dir) throws IOException {
        for (var bySize : interleaved.entrySet()) {
            ReportCharts.save(dir.resolve("interleaved-" + bySize.getKey() + "B.png"), "Echo " + bySize.getKey()
                    + " B, interleaved: round trips/s (higher is better)", "concurrent connections per implementation",
                    "round trips/s", IMPLS, project(bySize.getValue(), 0));
        }
        if (!disconnect.isEmpty()) {
            ReportCharts.save(dir.resolve("disconnect.png"), "Server disconnect latency (lower is better)",
                    "connected idle clients", "ms until all threads joined", IMPLS, disconnect);
        }
        if (!connect.isEmpty()) {
            ReportCharts.save(dir.resolve("connect.png"), "Connect + 1-byte echo + close (higher is better)",
                    "close", "cycles/s", IMPLS, connectRates());
        }
        if (!footprint.isEmpty()) {
            ReportCharts.save(dir.resolve("footprint.png"), "Heap per idle connection (" + footprintConnections
                    + " connections)", "handler buffer (bytes)", "bytes per connection", IMPLS, project(footprint, 0));
        }
    }

    // ---------------------------------------------------------------- tables

    private String markdown(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        Path meta = dir.resolve("meta.json");
        if (Files.exists(meta)) {
            JsonNode m = JSON.readTree(meta.toFile());
            md.append("Run `").append(dir.getFileName()).append("`: profile ").append(m.path("profile").asText())
                    .append(", commit `").append(m.path("commit").asText()).append("`, ")
                    .append(m.path("jdk").asText()).append(", ").append(m.path("cores").asText()).append(" cores (")
                    .append(m.path("cpu").asText()).append("), ").append(m.path("date").asText())
                    .append(", load average ").append(m.path("loadAverageAtStart").asText()).append(" at start, ")
                    .append(m.path("loadAverageAtEnd").asText()).append(" at end.\n\n");
        }
        for (var bySize : interleaved.entrySet()) {
            md.append("### Echo ").append(bySize.getKey())
                    .append(" B, interleaved (every implementation under the same load) — round trips/s\n\n");
            simpleTable(md, "connections", project(bySize.getValue(), 0), true);
        }
        for (var byPipeline : pipelined.entrySet()) {
            md.append("### Pipelined line protocol, ").append(byPipeline.getKey())
                    .append(" requests per round trip, interleaved — round trips/s (× ").append(byPipeline.getKey())
                    .append(" = requests/s)\n\n");
            simpleTable(md, "connections", project(byPipeline.getValue(), 0), true);
        }
        cpuTable(md);
        if (!connect.isEmpty()) {
            md.append("### Connect + 1-byte echo + close, interleaved — cycles/s\n\n");
            simpleTable(md, "close", connectRates(), true);
        }
        if (!disconnect.isEmpty()) {
            md.append("### Server disconnect, interleaved — ms until every client thread is joined, median "
                    + "(lower is better)\n\n");
            simpleTable(md, "clients", disconnect, false);
        }
        if (!footprint.isEmpty()) {
            md.append("### Memory per idle connection (").append(footprintConnections)
                    .append(" connections over a base of ").append(Footprint.BASE)
                    .append("; bytes; heap after GC / RSS)\n\n| handler buffer |");
            IMPLS.forEach(i -> md.append(' ').append(i).append(" |"));
            md.append(" SocketLoom − raw VT, heap (of it stack chunks) |\n|---:|");
            IMPLS.forEach(i -> md.append("---:|"));
            md.append("---:|\n");
            for (var row : footprint.entrySet()) {
                md.append("| ").append(row.getKey()).append(" |");
                IMPLS.forEach(i -> md.append(' ')
                        .append(cell(row.getValue().get(i), v -> fmt(v[0]) + " / " + fmt(v[1]))).append(" |"));
                double[] sl = row.getValue().get(SL);
                double[] raw = row.getValue().get(VT);
                md.append(' ').append(sl == null || raw == null ? "–" : fmt(sl[0] - raw[0])
                        + (Double.isNaN(sl[2]) ? "" : String.format(Locale.ROOT, " (%.0f)", sl[2] - raw[2])))
                        .append(" |\n");
            }
            md.append('\n');
        }
        targets(md);
        return md.toString();
    }

    /** Where the CPU went in the interleaved runs: server and client CPU time per round trip. */
    private void cpuTable(StringBuilder md) {
        if (interleaved.isEmpty() && pipelined.isEmpty() && connect.isEmpty()) {
            return;
        }
        md.append("### CPU per round trip, µs: server JVM / load threads (cores used by each while loaded)\n\n")
                .append("| run |");
        IMPLS.forEach(i -> md.append(' ').append(i).append(" |"));
        md.append("\n|---|");
        IMPLS.forEach(i -> md.append("---:|"));
        md.append('\n');
        interleaved.forEach((size, byConns) -> byConns.forEach((n, row) -> cpuRow(md, "echo " + size + " B, " + n
                + " conns", row)));
        pipelined.forEach((p, byConns) -> byConns.forEach((n, row) -> cpuRow(md, "pipelined " + p + ", " + n
                + " conns", row)));
        connect.forEach((mode, byOne) -> byOne.values().forEach(row -> cpuRow(md, "connect cycle, " + mode, row)));
        md.append("\nThe load is the same code for every server, so a difference in round trips/s comes from the "
                + "server; its CPU per round trip says how much of the machine each round trip costs it.\n\n");
    }

    private static void cpuRow(StringBuilder md, String what, Map<String, double[]> row) {
        md.append("| ").append(what).append(" |");
        IMPLS.forEach(i -> md.append(' ').append(cell(row.get(i), v -> String.format(Locale.ROOT,
                "%.1f / %.1f (%.2f / %.2f)", v[1], v[2], v[3], v[4]))).append(" |"));
        md.append('\n');
    }

    /** Connect cycles/s: (close mode, impl). */
    private Map<String, Map<String, Double>> connectRates() {
        Map<String, Map<String, Double>> out = new TreeMap<>();
        connect.forEach((mode, byOne) -> byOne.values().forEach(row -> out.put(mode, project(Map.of(1, row), 0)
                .get(1))));
        return out;
    }

    private static <K> Map<K, Map<String, Double>> project(Map<K, Map<String, double[]>> data, int index) {
        Map<K, Map<String, Double>> out = new TreeMap<>();
        data.forEach((k, row) -> {
            Map<String, Double> r = new TreeMap<>();
            row.forEach((impl, v) -> r.put(impl, v[index]));
            out.put(k, r);
        });
        return out;
    }

    private static <K> void simpleTable(StringBuilder md, String key, Map<K, Map<String, Double>> data,
                                        boolean higherIsBetter) {
        md.append("| ").append(key).append(" |");
        IMPLS.forEach(i -> md.append(' ').append(i).append(" |"));
        md.append(" SocketLoom / raw VT | SocketLoom / Netty epoll |\n|---:|");
        IMPLS.forEach(i -> md.append("---:|"));
        md.append("---:|---:|\n");
        for (var row : data.entrySet()) {
            md.append("| ").append(row.getKey()).append(" |");
            IMPLS.forEach(i -> md.append(' ').append(cell(row.getValue().get(i), Report::fmt)).append(" |"));
            md.append(' ').append(ratio(row.getValue(), VT, v -> v)).append(" | ")
                    .append(ratio(row.getValue(), EPOLL, v -> v)).append(" |\n");
        }
        md.append(higherIsBetter ? "\n" : "\n(ratios are time ratios here: below 1.00 means SocketLoom is faster)\n\n");
    }

    /**
     * The project's performance bars (docs/benchmarks.md), all as ratios from one run: echo at least
     * 0.97x raw virtual threads at every connection count and at least 1.0x Netty epoll from 100 connections on; the
     * pipelined line protocol at least 0.97x raw virtual threads over a BufferedInputStream; connect + close at least
     * 0.95x raw virtual threads; Server.disconnect() of 10 000 clients no slower than Netty epoll; at most 256 B of
     * heap per idle connection over raw virtual threads, with every handler buffer size measured.
     */
    private void targets(StringBuilder md) {
        md.append("### Performance bars\n\n| bar | measured | met |\n|---|---|---|\n");
        interleaved.forEach((size, byConns) -> byConns.forEach((n, row) -> {
            String what = "echo " + size + " B, " + n + " conns: ";
            target(md, what + "≥ 0.97× raw VT", ratio(row, VT), 0.97);
            if (n >= 100) {
                target(md, what + "≥ 1.0× Netty epoll", ratio(row, EPOLL), 1.0);
            }
        }));
        pipelined.forEach((p, byConns) -> byConns.forEach((n, row) -> target(md, "pipelined " + p + " × small "
                + "lines, " + n + " conns: ≥ 0.97× raw VT + BufferedInputStream", ratio(row, VT), 0.97)));
        connectRates().forEach((mode, row) -> target(md, "connect + close (" + mode + "): ≥ 0.95× raw VT",
                row.containsKey(SL) && row.containsKey(VT) ? row.get(SL) / row.get(VT) : Double.NaN, 0.95));
        Map<String, Double> d = disconnect.get(10_000);
        if (d != null && d.containsKey(SL) && d.containsKey(EPOLL)) {
            double ms = d.get(SL);
            double netty = d.get(EPOLL);
            md.append("| server disconnect of 10 000 clients ≤ Netty epoll (").append(fmt(netty)).append(" ms) | ")
                    .append(fmt(ms)).append(" ms | ").append(ms <= netty ? "yes" : "**no**").append(" |\n");
        }
        footprint.forEach((buffer, row) -> {
            double[] f = row.get(SL);
            double[] raw = row.get(VT);
            if (f != null && raw != null) {
                double over = f[0] - raw[0];
                md.append("| ≤ 256 B heap per idle connection over raw VT, ").append(buffer)
                        .append(" B handler buffer | ").append(fmt(over)).append(" B | ")
                        .append(over <= 256 ? "yes" : "**no**").append(" |\n");
            }
        });
        md.append('\n');
    }

    private static double ratio(Map<String, double[]> row, String base) {
        double[] s = row.get(SL);
        double[] b = row.get(base);
        return s == null || b == null ? Double.NaN : s[0] / b[0];
    }

    private static void target(StringBuilder md, String what, double ratio, double bar) {
        if (Double.isNaN(ratio)) {
            return;
        }
        md.append("| ").append(what).append(" | ").append(String.format(Locale.ROOT, "%.2f×", ratio)).append(" | ")
                .append(ratio >= bar ? "yes" : "**no**").append(" |\n");
    }

    private static <V> String ratio(Map<String, V> row, String base, Function<V, Double> value) {
        V s = row.get(SL);
        V b = row.get(base);
        return s == null || b == null ? "–" : String.format(Locale.ROOT, "%.2f", value.apply(s) / value.apply(b));
    }

    private static <V> String cell(V v, Function<V, String> f) {
        return v == null ? "–" : f.apply(v);
    }

    private static String fmt(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /** For tests: interleaved echo round trips/s per implementation at {@code size} and {@code connections}. */
    static Map<String, Double> interleavedRates(Path dir, int size, int connections) throws IOException {
        Report r = read(dir);
        return project(r.interleaved.getOrDefault(size, Map.of()), 0).getOrDefault(connections, Map.of());
    }

    /** For tests: pipelined round trips/s per implementation at {@code pipelined} and {@code connections}. */
    static Map<String, Double> pipelinedRates(Path dir, int pipelined, int connections) throws IOException {
        Report r = read(dir);
        return project(r.pipelined.getOrDefault(pipelined, Map.of()), 0).getOrDefault(connections, Map.of());
    }

    /** For tests: median server disconnect ms per implementation with {@code clients} clients. */
    static Map<String, Double> disconnectMillis(Path dir, int clients) throws IOException {
        return read(dir).disconnect.getOrDefault(clients, Map.of());
    }

    private static Report read(Path dir) throws IOException {
        Report r = new Report();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().matches("jmh.*\\.json")).toList()) {
                r.readJmh(JSON.readTree(f.toFile()));
            }
        }
        return r;
    }
}
