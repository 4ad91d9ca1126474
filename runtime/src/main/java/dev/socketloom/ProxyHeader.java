package dev.socketloom;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The PROXY protocol header (haproxy's {@code proxy-protocol.txt}) a connection arrived with, as parsed by a server
 * with {@link ServerOptions#proxyProtocol()} on ({@linkplain dev.socketloom##L14 L14}); see
 * {@link Connection#proxyHeader()}. Immutable and thread-safe.
 *
 * <p>{@code source} and {@code destination} are the original client's and the proxy's listening address:
 * {@link InetSocketAddress}es for TCP and UDP over IPv4 or IPv6, {@link java.net.UnixDomainSocketAddress}es for
 * {@code AF_UNIX} (an abstract-namespace name is written with a leading {@code @}), and {@code null} for a LOCAL
 * command (health checks: the proxy speaks for itself), the UNSPEC family and version 1's {@code UNKNOWN}. Only an
 * {@code InetSocketAddress} source replaces {@link Connection#remoteAddress()}.
 *
 * @param version     1 (text) or 2 (binary)
 * @param command     {@link Command#PROXY}, or {@link Command#LOCAL} for a connection the proxy made on its own behalf
 * @param family      address family and transport; {@link Family#UNSPEC} for version 1's {@code UNKNOWN}
 * @param source      the original client, or null (see above)
 * @param destination the address the client connected to, or null (see above)
 * @param tlvs        version 2's type-length-value fields in the order received (CRC32C and NOOP included, the CRC
 *                    already verified); empty for version 1
 */
public record ProxyHeader(int version, Command command, Family family, SocketAddress source,
                          SocketAddress destination, List<Tlv> tlvs) {
    /** TLV type: Application-Layer Protocol Negotiation, for example {@code h2}. */
    public static final int TYPE_ALPN = 0x01;
    /** TLV type: the host name the client asked for (TLS SNI), UTF-8. */
    public static final int TYPE_AUTHORITY = 0x02;
    /** TLV type: CRC32C of the whole header; a mismatch makes the header invalid (verified before it gets here). */
    public static final int TYPE_CRC32C = 0x03;
    /** TLV type: padding, to be ignored. */
    public static final int TYPE_NOOP = 0x04;
    /** TLV type: an opaque id of up to 128 bytes the proxy gave the connection. */
    public static final int TYPE_UNIQUE_ID = 0x05;
    /** TLV type: TLS details of the client's connection to the proxy ({@link #ssl()}). */
    public static final int TYPE_SSL = 0x20;
    /** Sub-TLV of {@link #TYPE_SSL}: TLS version, US-ASCII. */
    public static final int SUBTYPE_SSL_VERSION = 0x21;
    /** Sub-TLV of {@link #TYPE_SSL}: Common Name of the client certificate, UTF-8. */
    public static final int SUBTYPE_SSL_CN = 0x22;
    /** Sub-TLV of {@link #TYPE_SSL}: cipher name, US-ASCII. */
    public static final int SUBTYPE_SSL_CIPHER = 0x23;
    /** Sub-TLV of {@link #TYPE_SSL}: signature algorithm of the proxy's certificate, US-ASCII. */
    public static final int SUBTYPE_SSL_SIG_ALG = 0x24;
    /** Sub-TLV of {@link #TYPE_SSL}: key algorithm of the proxy's certificate, US-ASCII. */
    public static final int SUBTYPE_SSL_KEY_ALG = 0x25;
    /** TLV type: name of the network namespace, US-ASCII. */
    public static final int TYPE_NETNS = 0x30;

    /** Version 2's command (version 1 headers are always {@link #PROXY}). */
    public enum Command {
        /** The proxy opened the connection on its own behalf (health checks): the real endpoints apply. */
        LOCAL,
        /** The connection is relayed for the client in {@link #source()}. */
        PROXY
    }

    /** Address family and transport of the relayed connection. */
    public enum Family {
        /** Unspecified: version 2's UNSPEC, version 1's {@code UNKNOWN}; no addresses. */
        UNSPEC,
        /** TCP over IPv4. */
        TCP4,
        /** TCP over IPv6. */
        TCP6,
        /** UDP over IPv4. */
        UDP4,
        /** UDP over IPv6. */
        UDP6,
        /** {@code AF_UNIX} stream socket. */
        UNIX_STREAM,
        /** {@code AF_UNIX} datagram socket. */
        UNIX_DGRAM
    }

    /**
     * One type-length-value field of a version 2 header; {@link #value()} returns a copy.
     *
     * @param type  the TLV type, 0..255 (for example {@link ProxyHeader#TYPE_ALPN})
     * @param value the TLV value bytes
     */
    public record Tlv(int type, byte[] value) {
        /** Checks the type (0..255) and copies the value. */
        public Tlv {
            if (type < 0 || type > 0xff) {
                throw new IllegalArgumentException("TLV type must be 0..255, was " + type);
            }
            value = value.clone();
        }

        /** {@return a copy of the value} */
        @Override
        public byte[] value() {
            return value.clone();
        }

        /** {@return the value decoded as UTF-8} */
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tlv t && t.type == type && Arrays.equals(t.value, value);
        }

        @Override
        public int hashCode() {
            return 31 * type + Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Tlv[0x" + Integer.toHexString(type) + " " + HexFormat.of().formatHex(value) + "]";
        }
    }

    /**
     * The value of a {@link #TYPE_SSL} TLV.
     *
     * @param client bit field: 0x01 the client connected over TLS, 0x02 it presented a certificate on this
     *               connection, 0x04 on this TLS session
     * @param verify zero when the client's certificate was presented and verified
     * @param tlvs   the sub-TLVs ({@code SUBTYPE_SSL_*})
     */
    public record Ssl(int client, int verify, List<Tlv> tlvs) {
        /** Copies the sub-TLV list. */
        public Ssl {
            tlvs = List.copyOf(tlvs);
        }

        /** {@return whether the client reached the proxy over TLS} */
        public boolean overTls() {
            return (client & 0x01) != 0;
        }

        /**
         * {@return whether the client presented a certificate (on this connection or its session) and it was
         * verified}
         */
        public boolean certificateVerified() {
            return (client & 0x06) != 0 && verify == 0;
        }

        /**
         * The text of the first sub-TLV of {@code subtype}.
         *
         * @param subtype the sub-TLV type, for example {@link #SUBTYPE_SSL_CN}
         * @return its value decoded as UTF-8, or empty when there is no such sub-TLV
         */
        public Optional<String> text(int subtype) {
            return tlvs.stream().filter(t -> t.type() == subtype).findFirst().map(Tlv::text);
        }
    }

    /** Validates the fields and copies the TLV list. */
    public ProxyHeader {
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("PROXY protocol version must be 1 or 2, was " + version);
        }
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(family, "family");
        tlvs = List.copyOf(tlvs);
    }

    /**
     * {@return the original client's IP address and port, when the header carries one (PROXY command, TCP/UDP
     * family)}
     */
    public Optional<InetSocketAddress> inetSource() {
        return command == Command.PROXY && source instanceof InetSocketAddress a ? Optional.of(a) : Optional.empty();
    }

    /**
     * The first TLV of {@code type}.
     *
     * @param type the TLV type, for example {@link #TYPE_ALPN}
     * @return the first TLV of that type, or empty when there is none
     */
    public Optional<Tlv> tlv(int type) {
        return tlvs.stream().filter(t -> t.type() == type).findFirst();
    }

    /** {@return the {@link #TYPE_ALPN} TLV as text} */
    public Optional<String> alpn() {
        return tlv(TYPE_ALPN).map(Tlv::text);
    }

    /** {@return the {@link #TYPE_AUTHORITY} TLV (the host name the client asked for)} */
    public Optional<String> authority() {
        return tlv(TYPE_AUTHORITY).map(Tlv::text);
    }

    /** {@return the {@link #TYPE_UNIQUE_ID} TLV (a copy of its value)} */
    public Optional<byte[]> uniqueId() {
        return tlv(TYPE_UNIQUE_ID).map(Tlv::value);
    }

    /** {@return the {@link #TYPE_NETNS} TLV as text} */
    public Optional<String> netns() {
        return tlv(TYPE_NETNS).map(Tlv::text);
    }

    /**
     * The {@link #TYPE_SSL} TLV, parsed (a received header's was validated with it; a hand-made one too short to hold
     * the client and verify fields gives empty, and a sub-TLV running past the end is left out).
     *
     * @return the parsed SSL TLV, or empty when there is none
     */
    public Optional<Ssl> ssl() {
        return tlv(TYPE_SSL).filter(t -> t.value.length >= 5).map(t -> {
            byte[] v = t.value;
            int verify = ((v[1] & 0xff) << 24) | ((v[2] & 0xff) << 16) | ((v[3] & 0xff) << 8) | (v[4] & 0xff);
            List<Tlv> sub = new ArrayList<>();
            for (int at = 5; at + 3 <= v.length; ) {
                int len = ((v[at + 1] & 0xff) << 8) | (v[at + 2] & 0xff);
                if (at + 3 + len > v.length) {
                    break;
                }
                sub.add(new Tlv(v[at] & 0xff, Arrays.copyOfRange(v, at + 3, at + 3 + len)));
                at += 3 + len;
            }
            return new Ssl(v[0] & 0xff, verify, sub);
        });
    }
}
