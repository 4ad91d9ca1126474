/**
 * How the runtime works: the mechanics behind the API of {@code dev.socketloom}. Not exported by the module, not API;
 * this page is the map for whoever changes it. Each class has one job:
 *
 * <table class="striped">
 * <caption>Classes by job</caption>
 * <thead><tr><th>area</th><th>class</th><th>its one job</th></tr></thead>
 * <tbody>
 * <tr><td rowspan="3">runtime</td><td>{@link RuntimeCore}</td><td>{@code SocketRuntime}: registries of live
 *     connections and servers, connect and startServer, close (L8)</td></tr>
 * <tr><td>{@link Threads}, {@link ThreadStarter}</td><td>start every thread in one step (register, then start, undone
 *     on failure) and count the live ones</td></tr>
 * <tr><td>{@link JoinPolicy}, {@link Joiner}</td><td>join interrupted threads against one deadline, never the caller
 *     (L5), naming stragglers (L6); the seam tests replace</td></tr>
 * <tr><td rowspan="6">connection</td><td>{@link ConnectionLifecycle}</td><td>the state machine
 *     {@code CONNECTING -> OPEN -> CLOSED} and what it owns: socket, managing thread, close
 *     ({@code closeOnce})</td></tr>
 * <tr><td>{@link SocketConnection}</td><td>the {@code Connection} API over the lifecycle: I/O, addresses, disconnect
 *     and abort with their joins, events, TLS</td></tr>
 * <tr><td>{@link AbstractConnection}</td><td>the conveniences built on the primitives ({@code writeLine},
 *     streams, ...)</td></tr>
 * <tr><td>{@link ConnectionIo}</td><td>the byte path: read and write locks, open/reopen over plain or TLS sockets
 *     (the transport seam)</td></tr>
 * <tr><td>{@link ReadBuffer}</td><td>the receive buffer and line reader; small while idle, grows only while the
 *     peer streams</td></tr>
 * <tr><td>{@link Activity}, {@link Watchdog}</td><td>idle and write deadlines, which blocking sockets cannot
 *     express, enforced by one platform thread per runtime</td></tr>
 * <tr><td rowspan="3">opening</td><td>{@link Sockets}</td><td>socket options, the one connect sequence, the one
 *     quiet close</td></tr>
 * <tr><td>{@link Dial}</td><td>connect to every address a name resolves to (Happy Eyeballs)</td></tr>
 * <tr><td>{@link ClientSetup}</td><td>what runs on an accepted client's own thread before its handler: PROXY
 *     header, admission, TLS handshake</td></tr>
 * <tr><td rowspan="7">server</td><td>{@link ListeningServer}</td><td>{@code Server}: wires the parts below;
 *     disconnect, stop, management, observation</td></tr>
 * <tr><td>{@link Acceptor}</td><td>the accept loop (a platform thread) and its flow control: suspend, throttle,
 *     back-off (L12)</td></tr>
 * <tr><td>{@link ClientSessions}</td><td>each client from accept to close: register, start its thread, setup,
 *     handler, close; counts accepted clients and handler failures</td></tr>
 * <tr><td>{@link ClientRegistry}</td><td>who is connected, per-address counts, "no client left"</td></tr>
 * <tr><td>{@link ClientThreads}</td><td>the server's client threads:
 *     {@code RUNNING -> SHUTDOWN -> TERMINATED}</td></tr>
 * <tr><td>{@link ParallelClose}</td><td>close many connections on more than one core (L2 at scale)</td></tr>
 * <tr><td>{@link Keeper}</td><td>the one non-daemon thread that keeps the JVM alive while a server runs</td></tr>
 * <tr><td rowspan="3">TLS</td><td>{@link TlsLayer}</td><td>one connection's {@code SSLSocket}: handshake, info,
 *     bounded close_notify</td></tr>
 * <tr><td>{@link TlsTransport}</td><td>the TCP socket as the {@code SSLSocket} sees it (its close never
 *     blocks)</td></tr>
 * <tr><td>{@link TlsContexts}, {@link Pem}, {@link TlsErrors}, {@link TlsInfos}</td><td>key and trust material;
 *     the JDK's failures as stable {@code InetError}s; what a handshake negotiated, as {@code TlsInfo}</td></tr>
 * <tr><td>PROXY</td><td>{@link ProxyHeaderReader}, {@link ProxyHeaderParser}</td><td>read and parse the v1
 *     ({@link ProxyV1}) or v2 ({@link ProxyV2}) header, bounded in time and size (L14)</td></tr>
 * <tr><td>events</td><td>{@link EventPump}</td><td>the body of an event thread: ordered, never overlapping
 *     callbacks</td></tr>
 * <tr><td rowspan="2">observation</td><td>{@link LifecycleEvents}, {@link StopRecorder}, {@link CloseCause},
 *     {@link StopKind}</td><td>the lifecycle's one door to the JFR events of {@link dev.socketloom.internal.jfr}, and
 *     what they report (who closed, how a server stopped)</td></tr>
 * <tr><td>{@link Errors}</td><td>{@code IOException}s as {@code InetError}s</td></tr>
 * <tr><td>facade</td><td>{@link HandleTable}, {@link InternalAccess}</td><td>{@code Inet}'s generation-checked
 *     handles (L7); the few calls the facade needs from here</td></tr>
 * </tbody>
 * </table>
 *
 * <p><b>Locks.</b> A connection's state lock is the connection itself (a {@link Mutex}), held only for non-blocking
 * work and a graceful TLS close's close_notify (bounded by a watchdog deadline, so the watchdog only ever tries that
 * lock); its read and write locks ({@link ConnectionIo}) are held across blocking I/O, and whoever only waits for
 * data (events, {@code Inet.isReadable}) waits for the read lock no longer than it waits for data. Nothing here holds
 * a {@code synchronized} monitor across a blocking call, and no thread sleeps to wait for another.
 *
 * <p><b>Threads.</b> Accepted clients, event threads and connect attempts run on virtual threads; the acceptor and
 * the watchdog are platform threads, so that a server stops promptly even when handlers keep every carrier busy.
 */
package dev.socketloom.internal;
