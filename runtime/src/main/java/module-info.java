/**
 * SocketLoom: SocketWrench's client/server socket model on Java 21 virtual threads.
 *
 * <p>Two packages are exported: {@code dev.socketloom}, the Java API, and {@code dev.socketloom.inet}, the
 * SocketWrench-style facade over it. The packages under {@code dev.socketloom.internal} hold the mechanics, one area
 * each (runtime, server, connection, TLS, PROXY, dialing, JFR events, errors, utilities), and are not part of the API.
 *
 * <p>{@code jdk.jfr} is required statically: a JDK module, not a dependency, and optional at run time. Where it is
 * resolved (always on the class path; on the module path whenever JFR can run at all, for example with
 * {@code -XX:StartFlightRecording} or {@code --add-modules jdk.jfr}) the events are recorded; where it is not (a
 * jlinked image without it) the runtime works the same without them, instead of failing to start.
 */
module dev.socketloom {
    requires static jdk.jfr;
    // TCP keepalive timing (ConnectOptions.keepAlive(idle, interval, count)): jdk.net.ExtendedSocketOptions. A JDK
    // module, not a library: it ships with every JDK (a jlink image must include it).
    requires jdk.net;

    exports dev.socketloom;
    exports dev.socketloom.inet;

    // SocketRuntime.open() finds the runtime as a service: the API does not name its implementation
    uses dev.socketloom.SocketRuntime;
    provides dev.socketloom.SocketRuntime with dev.socketloom.internal.runtime.RuntimeCore;
}
