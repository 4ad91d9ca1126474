package dev.socketloom.jmh.load;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * What the load sends on one connection per round trip and what it expects back, byte for byte.
 *
 * @param request  the bytes of one round trip's request (one message, or several pipelined requests)
 * @param response the exact answer of the server to {@code request}
 */
public record Workload(byte[] request, byte[] response) {

    /** Echo: {@code size} random bytes (seed 42), answered by themselves. */
    public static Workload echo(int size) {
        byte[] message = new byte[size];
        new SplittableRandom(42).nextBytes(message);
        return new Workload(message, message);
    }

    /**
     * A small line protocol in the style of memcached or RESP, {@code pipelined} requests per round trip: each is a
     * header line {@code SET key:<n> <len>\r\n}, then {@code len} bytes of value and CRLF; the server reads the line
     * ({@code readLine}), the value ({@code readFully}) and the CRLF (a read of two bytes) and answers each request
     * with {@code +OK <len>\r\n}, written once nothing more is buffered (one write per batch).
     */
    public static Workload pipelined(int pipelined) {
        StringBuilder req = new StringBuilder();
        StringBuilder resp = new StringBuilder();
        for (int i = 0; i < pipelined; i++) {
            int len = 8 + (i * 7) % 25; // 8 .. 32 bytes, a mix of small fields
            req.append("SET key:").append(1000 + i).append(' ').append(len).append("\r\n");
            for (int k = 0; k < len; k++) {
                req.append((char) ('a' + (i + k) % 26));
            }
            req.append("\r\n");
            resp.append("+OK ").append(len).append("\r\n");
        }
        return new Workload(req.toString().getBytes(StandardCharsets.US_ASCII),
                resp.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Parses {@code echo:<size>} or {@code pipelined:<requests>}. */
    public static Workload of(String spec) {
        String[] p = spec.split(":", 2);
        if (p.length == 2) {
            switch (p[0]) {
                case "echo":
                    return echo(Integer.parseInt(p[1]));
                case "pipelined":
                    return pipelined(Integer.parseInt(p[1]));
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("workload must be echo:<size> or pipelined:<requests>, not " + spec);
    }
}
