package dev.socketloom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** {@link SocketRuntime#open()} finds the runtime as the module's service provider, a new one on every call. */
class RuntimeProviderTest {

    @Test
    void openFindsTheRuntimeAsItsOwnServiceProviderEveryTime() throws Exception {
        List<String> providers = ServiceLoader.load(SocketRuntime.class, SocketRuntime.class.getClassLoader())
                .stream().map(p -> p.type().getName()).toList();
        assertEquals(List.of("dev.socketloom.internal.runtime.RuntimeCore"), providers,
                "the runtime's jar declares exactly one provider of SocketRuntime");
        try (SocketRuntime a = SocketRuntime.open(); SocketRuntime b = SocketRuntime.open()) {
            assertNotSame(a, b, "every open() is a new runtime");
            assertFalse(a.isClosed());
            a.close();
            assertTrue(a.isClosed());
            assertFalse(b.isClosed(), "closing one runtime leaves the other open");
        }
    }
}
