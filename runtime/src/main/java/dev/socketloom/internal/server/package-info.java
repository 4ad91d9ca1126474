/**
 * A listening server: {@link dev.socketloom.internal.server.ListeningServer} ({@code Server}; wires the parts, stops
 * in two phases), {@link dev.socketloom.internal.server.Acceptor} (the accept loop on a platform thread and its flow
 * control: suspend, throttle, back-off, L12), {@link dev.socketloom.internal.server.ClientSessions} and {@link
 * dev.socketloom.internal.server.ClientSetup} (each client from accept to handler), {@link
 * dev.socketloom.internal.server.ClientThreads} ({@code RUNNING -> SHUTDOWN -> TERMINATED}), {@link
 * dev.socketloom.internal.server.ParallelClose}, {@link dev.socketloom.internal.server.Keeper} (the non-daemon
 * thread), {@link dev.socketloom.internal.server.StopRecorder}.
 *
 * <p>A server sees its runtime only as {@link dev.socketloom.internal.server.ServerHost}.
 *
 * <p><b>May use:</b> {@code connection}, {@code tls}, {@code proxy}, {@code dial}, {@code jfr}, {@code errors},
 * {@code util}. <b>Invariants:</b> a server's port is free when {@code stop} returns; every client thread it started
 * is joined (or named a straggler) against one deadline.
 */
package dev.socketloom.internal.server;
