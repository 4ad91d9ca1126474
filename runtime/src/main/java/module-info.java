/**
 * SocketLoom: SocketWrench's client/server socket model on Java 21 virtual threads.
 *
 * <p>Only {@code dev.socketloom} is exported; {@code dev.socketloom.internal} holds the mechanics (acceptor loop,
 * registries, join logic, line reader, back-off) and is not part of the API.
 */
module dev.socketloom {
    // TCP keepalive timing (ConnectOptions.keepAlive(idle, interval, count)): jdk.net.ExtendedSocketOptions. A JDK
    // module, not a library: it ships with every JDK (a jlink image must include it).
    requires jdk.net;

    exports dev.socketloom;
}
