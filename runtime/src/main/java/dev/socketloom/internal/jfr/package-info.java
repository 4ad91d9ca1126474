/**
 * SocketLoom's JDK Flight Recorder events: what the runtime did, recorded only while somebody records.
 *
 * <h2 id="catalogue">Events</h2>
 * All in category {@code SocketLoom}, enabled by default (so {@code -XX:StartFlightRecording} with the JDK's
 * {@code default} or {@code profile} settings records them), without stack traces (the emitting thread's stack is
 * the runtime's; turn it on per event, for example
 * {@code -XX:StartFlightRecording:+dev.socketloom.ConnectionClosed#stackTrace=true} to see who called
 * {@code disconnect()}: the {@code +} because the events register when first used, after JFR read its options).
 * <table class="striped">
 *   <caption>SocketLoom events</caption>
 *   <thead><tr><th scope="col">Event</th><th scope="col">Emitted</th><th scope="col">Fields</th></tr></thead>
 *   <tbody>
 *   <tr><th scope="row">{@code dev.socketloom.ConnectionOpened}</th><td>when a connection becomes open (accepted by
 *     a server: on the acceptor thread, or on the client's own thread once its PROXY header or TLS handshake is done;
 *     connected by a client: on the connecting or event thread)</td>
 *     <td>connectionId, remoteAddress, localPort, serverPort (0 = client side)</td></tr>
 *   <tr><th scope="row">{@code dev.socketloom.ConnectionClosed}</th><td>once per opened connection, by the call that
 *     closes it (the single close path of the runtime), before its socket is closed</td>
 *     <td>connectionId, remoteAddress, localPort, serverPort, cause (PEER, LOCAL, SERVER_STOP, TIMEOUT, ERROR,
 *     RUNTIME_CLOSE), forced, detail (which deadline, for TIMEOUT), lifetime, bytesIn, bytesOut</td></tr>
 *   <tr><th scope="row">{@code dev.socketloom.HandlerFailed}</th><td>when a {@code ConnectionHandler} or an
 *     {@code EventHandler} callback throws while its connection is open (what {@code ServerStats.handlerFailures}
 *     counts, plus event callbacks)</td>
 *     <td>connectionId, remoteAddress, serverPort, handler, exceptionClass, message, inetError, origin</td></tr>
 *   <tr><th scope="row">{@code dev.socketloom.AcceptFailed}</th><td>for every failed {@code accept()}, on the
 *     acceptor thread, before it backs off (L12)</td><td>serverPort, error, backoff, failures</td></tr>
 *   <tr><th scope="row">{@code dev.socketloom.ServerStopped}</th><td>once per server, by the first of
 *     {@code disconnect()}, {@code stop(grace)} or the runtime's {@code close()} to reach it; a duration event
 *     spanning the stop (threshold 0 ms)</td>
 *     <td>serverPort, how (DISCONNECT, STOP, RUNTIME_CLOSE), grace, graceful, forced, stragglerCount,
 *     stragglers</td></tr>
 *   </tbody>
 * </table>
 * Events of one connection share the {@link dev.socketloom.internal.jfr.ConnectionId @ConnectionId} field
 * ({@code Connection.id()}), a relational key that Mission Control follows. No event is emitted per read or write:
 * bytes are counted (as the idle-timeout bookkeeping already counted operations) and reported once, at the close.
 *
 * <h2 id="cost">Cost when nobody records</h2>
 * Every emission point first asks whether the Flight Recorder has ever been initialized in this JVM (one volatile
 * read; until then no event class is even loaded, because loading one registers it with the recorder, which costs a
 * noticeable part of JFR's own start-up), then whether its event class is enabled (a static check that stays
 * {@code false} until a recording enables the event), and only then formats addresses and allocates the event. The
 * JMH comparison against the runtime without any event code is in {@code docs/observability.md}.
 *
 * <h2 id="module">Without {@code jdk.jfr}</h2>
 * The module declares {@code requires static jdk.jfr}: the events are there when the JVM has the Flight Recorder
 * module and cost nothing when it does not. A jlinked image without {@code jdk.jfr}, or a module-path launch that did
 * not resolve it (JFR itself cannot run there either; {@code -XX:StartFlightRecording} and
 * {@code --add-modules jdk.jfr} resolve it), runs SocketLoom without events instead of failing at start-up.
 * {@code dev.socketloom.internal.LifecycleEvents} checks once whether {@code jdk.jfr} is readable and loads nothing
 * of this package otherwise; lifecycle classes call only that class.
 *
 * <h2 id="extending">Adding an event (TLS handshake, PROXY header)</h2>
 * Outcomes of other layers get events of their own, the same way:
 * <ol>
 *   <li>An event class here: package-private, {@code final}, named {@code dev.socketloom.<What>} (for example
 *     {@code dev.socketloom.TlsHandshake} with connectionId, remoteAddress, serverPort, outcome (OK, FAILED,
 *     TIMEOUT), protocol, cipherSuite, inetError, message; {@code dev.socketloom.ProxyHeader} with connectionId,
 *     peer (the load balancer), remoteAddress (the original client), version, outcome (OK, BAD, SLOW, MISSING),
 *     message), category {@code SocketLoom}, {@code @StackTrace(false)}, the connection id marked
 *     {@link dev.socketloom.internal.jfr.ConnectionId @ConnectionId}. A handshake is a duration: make the event
 *     span it ({@code begin()} before, {@code end()} and {@code shouldCommit()} after) with
 *     {@code @Threshold("0 ms")}, so operators can raise it to see slow handshakes only.</li>
 *   <li>In {@link dev.socketloom.internal.jfr.JfrEmitter}: a probe instance in its {@code Probes} holder (the one
 *     place event classes are loaded, and only once the recorder is initialized) and an {@code xxxEnabled()} /
 *     {@code xxx(...)} pair taking plain values.</li>
 *   <li>A method in {@code LifecycleEvents} that checks availability and {@code xxxEnabled()} before computing any
 *     value, and one call of it where the outcome is known, on the connection's own thread. A layer that runs
 *     before the connection opens (between {@code attach} and {@code markOpen}, as {@code ConnectionLifecycle}
 *     describes) refuses connections that never opened: they get no {@code ConnectionOpened} or
 *     {@code ConnectionClosed}, so the outcome event is their only record and must carry the remote address.</li>
 *   <li>The event's fields asserted from a real recording in {@code JfrEventsTest}, and a row in the table above and
 *     in {@code docs/observability.md}.</li>
 * </ol>
 */
package dev.socketloom.internal.jfr;
