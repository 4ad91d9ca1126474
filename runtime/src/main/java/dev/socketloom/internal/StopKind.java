package dev.socketloom.internal;

/** How a server was stopped, as the {@code dev.socketloom.ServerStopped} event reports it. */
enum StopKind {
    /** {@code Server.disconnect()} or {@code close()}. */
    DISCONNECT,
    /** {@code Server.stop(grace)}. */
    STOP,
    /** {@code SocketRuntime.close()}. */
    RUNTIME_CLOSE
}
