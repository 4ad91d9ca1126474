/**
 * One connection, client or accepted: the state machine {@code CONNECTING -> OPEN -> CLOSED} and what it owns
 * ({@link dev.socketloom.internal.connection.ConnectionLifecycle}), the {@code Connection} API over it ({@link
 * dev.socketloom.internal.connection.SocketConnection}, {@link dev.socketloom.internal.connection.AbstractConnection}),
 * the byte path ({@link dev.socketloom.internal.connection.ConnectionIo}, {@link
 * dev.socketloom.internal.connection.ReadBuffer}, {@link dev.socketloom.internal.connection.Activity}), event threads
 * ({@link dev.socketloom.internal.connection.EventPump}), the lifecycle's one door to JFR ({@link
 * dev.socketloom.internal.connection.LifecycleEvents}, which reads the connection's state, hence here), who closed it
 * ({@link dev.socketloom.internal.connection.CloseCause}), a server's registry of its clients ({@link
 * dev.socketloom.internal.connection.ClientRegistry}, here because it owns a connection's admission slot atomically),
 * and the facade's few calls beyond the API ({@link dev.socketloom.internal.connection.InternalAccess}).
 *
 * <p>A connection sees its owners only as interfaces declared here: {@link
 * dev.socketloom.internal.connection.ConnectionHost} (the runtime) and {@link
 * dev.socketloom.internal.connection.AcceptingServer} (the server that accepted it), so the arrows run from runtime
 * and server to connection, never back.
 *
 * <p><b>May use:</b> {@code tls}, {@code proxy}, {@code dial}, {@code jfr}, {@code errors}, {@code util}.
 * <b>Invariants:</b> {@code closeOnce} runs its body exactly once; the state lock (the connection, a {@code Mutex}) is
 * held only for non-blocking work and a bounded close_notify; the read and write locks are held across blocking I/O.
 */
package dev.socketloom.internal.connection;
