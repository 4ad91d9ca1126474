/**
 * SocketLoom: SocketWrench's client/server socket model on Java 21 virtual threads. Every connection is a blocking
 * socket served by plain blocking code on its own virtual thread; disconnecting interrupts and joins that thread.
 *
 * <h2 id="types">Types</h2>
 * <ul>
 *   <li>{@link dev.socketloom.SocketRuntime} owns every connection, server and thread it creates
 *       ({@code InetInitialize} / {@code InetUninitialize}).</li>
 *   <li>{@link dev.socketloom.Connection} is one TCP stream, client side or server side ({@code InetConnect},
 *       {@code InetRead}, {@code InetWrite}, {@code InetDisconnect}, ...), configured by
 *       {@link dev.socketloom.ConnectOptions}.</li>
 *   <li>{@link dev.socketloom.Server} accepts clients and runs a {@link dev.socketloom.ConnectionHandler} for each
 *       on its own virtual thread ({@code InetServerStart}), configured by {@link dev.socketloom.ServerOptions}.</li>
 *   <li>{@link dev.socketloom.EventHandler} receives {@link dev.socketloom.Event}s of one connection on that
 *       connection's own virtual thread ({@code InetEnableEvents}).</li>
 *   <li>{@link dev.socketloom.InetException} carries a stable {@link dev.socketloom.InetError} code
 *       ({@code InetGetLastError}).</li>
 *   <li>{@link dev.socketloom.TlsOptions} adds TLS to clients, servers or an open connection
 *       ({@code INET_OPTION_SECURE}); {@link dev.socketloom.TlsInfo} reports what a handshake negotiated.</li>
 *   <li>{@link dev.socketloom.inet.Inet} is the SocketWrench-compatible facade over {@code int} handles, for porting.</li>
 * </ul>
 *
 * <h2 id="threads">Threads</h2>
 * Handlers and event callbacks run on virtual threads named after what they serve
 * ({@code socketloom-client-<address>:<port>}, {@code socketloom-events-<host>:<port>}); so do the attempts of a
 * connect to a name with several addresses ({@code socketloom-connect-<address>:<port>}), which have ended when the
 * connect returns, and a server's broadcast writers ({@code socketloom-server-<port>-broadcast}). Each server's
 * acceptor ({@code socketloom-server-<port>-acceptor}), the helpers that close a large server's clients on more than
 * one core ({@code socketloom-server-<port>-closer}, ended when its stop returns) and the runtime's write/idle-timeout
 * watchdog ({@code socketloom-watchdog}) are daemon platform threads, so that stopping a server and expiring a deadline
 * never wait for the virtual-thread scheduler. While any server runs, one non-daemon platform thread
 * ({@code socketloom-keeper}) keeps the JVM alive. No lock of the runtime is a monitor: nothing pins a virtual
 * thread's carrier.
 *
 * <h2 id="guarantees">Lifecycle guarantees</h2>
 * Every line below is checked by a test named after it, and all of them together by property-based chains of
 * random lifecycle actions. "Joined" means the thread has terminated when the call returns.
 * <table class="striped">
 *   <caption>Lifecycle guarantees</caption>
 *   <thead><tr><th scope="col">Id</th><th scope="col">Guarantee</th></tr></thead>
 *   <tbody>
 *   <tr><th scope="row" id="L1">L1</th><td><b>Connection disconnect.</b> {@code Connection.disconnect()} closes the
 *     socket, interrupts the thread that manages the connection (its handler or event thread, if any), joins it and
 *     invalidates the connection. When it returns the socket is closed, that thread has terminated, the connection
 *     is gone from its server's and runtime's registries, and every later operation fails with
 *     {@code NOT_CONNECTED}. Idempotent and thread-safe: concurrent or repeated calls all return after the same
 *     guarantees hold.</td></tr>
 *   <tr><th scope="row" id="L2">L2</th><td><b>Server disconnect.</b> {@code Server.disconnect()} closes the
 *     listening socket, closes and interrupts every client, and only then joins the acceptor and every client
 *     thread against one deadline. When it returns no thread of the server runs, no socket of it is open,
 *     {@code clientCount() == 0}, and the port can be bound again at once. This holds promptly also while handlers
 *     keep every carrier thread busy: nothing on the stop path waits for a thread before everything is closed, and
 *     the acceptor is a platform thread that the closed listener wakes directly.</td></tr>
 *   <tr><th scope="row" id="L3">L3</th><td><b>Graceful stop.</b> {@code Server.stop(grace)} closes the listener at
 *     once (new connections are refused), lets running handlers finish on their own for up to {@code grace}, then
 *     does L2 for the rest, and reports how many finished gracefully and how many were forced.</td></tr>
 *   <tr><th scope="row" id="L4">L4</th><td><b>No call after return.</b> No {@code ConnectionHandler} or
 *     {@code EventHandler} code starts after {@code disconnect()}, {@code disableEvents()}, {@code stop()} or
 *     {@code SocketRuntime.close()} has returned - normally or with an exception (THREAD_NOT_TERMINATED).</td></tr>
 *   <tr><th scope="row" id="L5">L5</th><td><b>Self-disconnect.</b> Calling {@code disconnect()} (of a connection or
 *     a server) from its own handler or event thread never deadlocks: it does everything but join itself, and the
 *     thread ends when the handler returns.</td></tr>
 *   <tr><th scope="row" id="L6">L6</th><td><b>Stubborn threads.</b> A handler that ignores interrupts cannot hang
 *     a disconnect: the join is bounded by the join deadline ({@code ConnectOptions.joinDeadline()},
 *     {@code ServerOptions.joinDeadline()}). On expiry the socket is still closed and the handle still invalid, and
 *     the call throws {@code THREAD_NOT_TERMINATED} listing every thread still alive, the runtime's own acceptor
 *     or event thread included. A disconnect that returns normally has joined every thread it was responsible
 *     for.</td></tr>
 *   <tr><th scope="row" id="L7">L7</th><td><b>Opaque handles.</b> {@code Inet} handles may be reused after a
 *     disconnect, but a stale handle is detected by its generation bits and fails with {@code INVALID_HANDLE}; it
 *     never reaches the connection that reuses the slot.</td></tr>
 *   <tr><th scope="row" id="L8">L8</th><td><b>Runtime close.</b> {@code SocketRuntime.close()} (and
 *     {@code Inet.uninitialize()}) closes every server and connection it owns first and then joins every thread it
 *     started; afterwards the process holds no thread and no socket of it.</td></tr>
 *   <tr><th scope="row" id="L9">L9</th><td><b>Resource truth.</b> After any of the above, the process's thread
 *     count and open-descriptor count return to their earlier values.</td></tr>
 *   <tr><th scope="row" id="L10">L10</th><td><b>Errors, not hangs.</b> Every blocking call honours its timeout; a
 *     peer reset, a half-closed peer, an over-long line, an unknown host or a refused port surfaces as an
 *     {@code InetException} with its {@code InetError}; nothing hangs, leaks, or loses bytes that a returned
 *     {@code write} handed to the OS.</td></tr>
 *   <tr><th scope="row" id="L11">L11</th><td><b>TIME_WAIT.</b> The side that closes first keeps its port in
 *     TIME_WAIT for 2–4 minutes. Servers bind with SO_REUSEADDR, so a restarted server need not wait;
 *     {@code Connection.abort()} closes with a reset (SO_LINGER 0) and leaves no TIME_WAIT, for clients that connect
 *     and disconnect at high rates.</td></tr>
 *   <tr><th scope="row" id="L12">L12</th><td><b>Acceptor survival.</b> A failing {@code accept()} (EMFILE, ENFILE,
 *     ENOBUFS) never ends a server: the acceptor backs off exponentially within
 *     {@code ServerOptions.acceptBackoff} bounds and resumes when resources return.</td></tr>
 *   <tr><th scope="row" id="L13">L13</th><td><b>TLS handshake isolation.</b> A TLS server's handshake runs on the
 *     client's own virtual thread, never on the acceptor, bounded in total by {@code TlsOptions.handshakeTimeout()}
 *     (also against a peer that sends a byte at a time); a stalled or failed handshake never delays the acceptor or
 *     other clients, never reaches the handler, is counted in {@code ServerStats.tlsHandshakeFailures()}, and ends
 *     with a stable {@code InetError} on the side that sees it (TLS_HANDSHAKE_FAILED, CERTIFICATE_INVALID,
 *     HOST_NAME_MISMATCH, CERTIFICATE_REQUIRED, TIMEOUT). L1-L6 and L8-L10 hold for TLS connections as for plain
 *     ones, also while a handshake is in progress (a disconnect, stop or close then ends it at once). A graceful
 *     disconnect sends close_notify first, but only from a thread that holds the connection's write lock and for a
 *     bounded time ({@code TlsOptions.closeNotifyTimeout()}, at most half the join deadline): a peer that stopped
 *     reading, with the send buffer full or a writer blocked on it, never makes a disconnect outlast its join
 *     deadline. {@code abort()}, a write or idle timeout, and a failed handshake close without close_notify.</td></tr>
 *   <tr><th scope="row" id="L14">L14</th><td><b>PROXY protocol.</b> With {@code ServerOptions.proxyProtocol}
 *     on, the version 1 or 2 header is read on the client's own virtual thread (never the acceptor), before the
 *     handler and before anything else reads the socket, bounded by {@code proxyHeaderTimeout} and by the
 *     specification's sizes (version 2: at most 4096 bytes after the fixed 16). {@code remoteAddress()} is then the
 *     original client and {@code proxyAddress()} the proxy; {@code maxClientsPerAddress} and {@code clients()} use
 *     the original address. A missing, malformed, truncated, oversized or too slow header (a CRC32C mismatch
 *     included) closes the connection with a reset before the handler runs, is counted in
 *     {@code ServerStats.proxyHeaderFailures} and logged at DEBUG with the reason; the thread ends and nothing
 *     leaks. Bytes that arrived after the header reach the handler unchanged.</td></tr>
 *   </tbody>
 * </table>
 *
 * <h2 id="saturation">Under load</h2>
 * L2, L3 and L8 close before they join, so a server whose handlers saturate every carrier still stops promptly:
 * closing the clients' sockets ends the busy handlers, which frees the carriers that the remaining joins need. What
 * stays the JDK's is the scheduling of a virtual thread woken from outside while other virtual threads keep every
 * carrier busy: if code outside the stopping server (another server's handlers, the application's own virtual
 * threads) saturates the carriers, an interrupted handler may not run before the join deadline; the call then
 * reports it as L6 says rather than waiting longer.
 *
 * <h2 id="observability">Observability</h2>
 * {@link dev.socketloom.Server#stats()} counts what a server did (accepted, rejected, failed accepts, handler
 * failures, active clients, bytes in and out). The runtime also emits JDK Flight Recorder events, category
 * {@code SocketLoom}, recorded by any recording with the JDK's default settings and free when nobody records:
 * {@code dev.socketloom.ConnectionOpened}, {@code dev.socketloom.ConnectionClosed} (who closed it: {@code PEER},
 * {@code LOCAL}, {@code SERVER_STOP}, {@code TIMEOUT}, {@code ERROR} or {@code RUNTIME_CLOSE}; whether its thread was
 * interrupted; lifetime; bytes), {@code dev.socketloom.HandlerFailed}, {@code dev.socketloom.AcceptFailed} and
 * {@code dev.socketloom.ServerStopped} (a duration event over the stop). Each is committed on the thread that reached
 * the lifecycle point. The module requires {@code jdk.jfr} only statically: without it the runtime works the same,
 * without events.
 */
package dev.socketloom;
