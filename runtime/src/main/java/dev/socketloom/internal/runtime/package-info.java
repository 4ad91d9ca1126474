/**
 * The runtime core: {@link dev.socketloom.internal.runtime.RuntimeCore} implements {@code SocketRuntime} (registries
 * of live connections and servers, connect, startServer, close, L8) and the owner interfaces its connections and
 * servers see ({@code ConnectionHost}, {@code ServerHost}). {@code SocketRuntime.open()} constructs it: the one place
 * the Java API names this package.
 *
 * <p><b>May use:</b> every internal area. <b>Invariant:</b> after {@code close()} no thread of the runtime lives, or
 * each one left is named as a straggler.
 */
package dev.socketloom.internal.runtime;
