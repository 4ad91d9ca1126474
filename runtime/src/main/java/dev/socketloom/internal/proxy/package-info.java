/**
 * The PROXY protocol: {@link dev.socketloom.internal.proxy.ProxyHeaderReader} reads a header from an accepted socket
 * bounded in time and size (L14), {@link dev.socketloom.internal.proxy.ProxyHeaderParser} parses v1 ({@link
 * dev.socketloom.internal.proxy.ProxyV1}) or v2 ({@link dev.socketloom.internal.proxy.ProxyV2}).
 *
 * <p><b>May use:</b> the Java API's types only (it is pure parsing). <b>Invariant:</b> bytes read past the header are
 * returned to the caller ({@code Preface.rest}), never lost.
 */
package dev.socketloom.internal.proxy;
