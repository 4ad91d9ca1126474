/**
 * Opening sockets: {@link dev.socketloom.internal.dial.Sockets} (socket options, the one connect sequence, the one
 * quiet close, port checks, client thread names) and {@link dev.socketloom.internal.dial.Dial} (connect to every
 * address a name resolves to, Happy Eyeballs, attempts on virtual threads).
 *
 * <p><b>May use:</b> {@code errors}, {@code util}. <b>Invariant:</b> every attempt Dial starts is closed or handed
 * over, and joined before {@code close()} returns.
 */
package dev.socketloom.internal.dial;
