package dev.socketloom.testkit;

import java.time.Duration;

import dev.socketloom.SocketRuntime;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension behind {@link SocketLoomTest}: one runtime per test, injected, closed after the test, with
 * the {@link LeakCheck}. Register it with {@code @SocketLoomTest} (or {@code @ExtendWith}).
 */
public final class SocketLoomExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SocketLoomExtension.class);
    private static final String RUNTIME = "runtime";

    /** Creates the extension (JUnit does). */
    public SocketLoomExtension() {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        runtime(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        SocketRuntime runtime = context.getStore(NS).remove(RUNTIME, SocketRuntime.class);
        if (runtime == null) {
            return;
        }
        LeakReport report = LeakCheck.closeAndInspect(runtime, settle(context));
        if (!report.isClean()) {
            throw new AssertionError(context.getDisplayName() + ": " + report);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == SocketRuntime.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return runtime(context);
    }

    private static SocketRuntime runtime(ExtensionContext context) {
        return context.getStore(NS).getOrComputeIfAbsent(RUNTIME, k -> SocketRuntime.open(), SocketRuntime.class);
    }

    private static Duration settle(ExtensionContext context) {
        long millis = context.getTestClass()
                .map(c -> c.getAnnotation(SocketLoomTest.class))
                .map(SocketLoomTest::settleMillis)
                .orElse(5_000L);
        return Duration.ofMillis(millis);
    }
}
