package dev.socketloom.testing;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A name source for tests (JEP 418): host names a test defines resolve to the loopback addresses it chose, in its
 * order; every other name goes to the JDK's built-in resolver. Installed for the whole test JVM through
 * {@code META-INF/services/java.net.spi.InetAddressResolverProvider}; nothing of it is in the production jar.
 *
 * <p>The JDK caches lookups (30 s by default), so every test defines names of its own. Thread-safe.
 */
public final class TestNames extends InetAddressResolverProvider {
    private static final Map<String, List<InetAddress>> NAMES = new ConcurrentHashMap<>();

    /** Makes {@code name} resolve to {@code addresses} (literals such as {@code 127.0.0.2} or {@code ::1}). */
    public static String define(String name, String... addresses) {
        List<InetAddress> list = Stream.of(addresses).map(a -> {
            try {
                return InetAddress.getByAddress(name, InetAddress.getByName(a).getAddress());
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        }).toList();
        NAMES.put(name.toLowerCase(Locale.ROOT), list);
        return name;
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                List<InetAddress> mine = NAMES.get(host.toLowerCase(Locale.ROOT));
                if (mine == null) {
                    return builtin.lookupByName(host, policy);
                }
                boolean v4 = (policy.characteristics() & LookupPolicy.IPV4) != 0;
                boolean v6 = (policy.characteristics() & LookupPolicy.IPV6) != 0;
                List<InetAddress> allowed = mine.stream()
                        .filter(a -> (a instanceof Inet4Address && v4) || (a instanceof Inet6Address && v6)).toList();
                if (allowed.isEmpty()) {
                    throw new UnknownHostException(host);
                }
                return allowed.stream();
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "socketloom-test-names";
    }
}
