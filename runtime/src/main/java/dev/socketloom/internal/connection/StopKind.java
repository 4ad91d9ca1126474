package dev.socketloom.internal.connection;

/** How a server was stopped, as the {@code dev.socketloom.ServerStopped} event reports it. */
public enum StopKind {
    /** {@code Server.disconnect()} or {@code close()}. */
    DISCONNECT,
    /** {@code Server.stop(grace)}. */
    STOP,
    /** {@code SocketRuntime.close()}. */
    RUNTIME_CLOSE
}
