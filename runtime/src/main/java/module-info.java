/**
 * SocketLoom: SocketWrench's client/server socket model on Java 21 virtual threads.
 *
 * <p>Only {@code dev.socketloom} is exported; {@code dev.socketloom.internal} holds the mechanics (acceptor loop,
 * registries, join logic, line reader, back-off) and is not part of the API.
 */
module dev.socketloom {
    exports dev.socketloom;
}
