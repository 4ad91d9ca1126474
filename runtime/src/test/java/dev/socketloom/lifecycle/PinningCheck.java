package dev.socketloom.lifecycle;

import java.util.List;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * jqwik hook (no monitor may pin a carrier; see the package documentation, "Threads"): records {@code
 * jdk.VirtualThreadPinned} during the whole property and fails it if any virtual thread was pinned while SocketLoom
 * production code ({@link PinRecorder#PRODUCTION}) was on its stack.
 */
public final class PinningCheck implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property)
            throws Throwable {
        try (PinRecorder recorder = PinRecorder.start()) {
            PropertyExecutionResult result = property.execute();
            List<String> pins = recorder.stop(PinRecorder.PRODUCTION);
            if (pins.isEmpty() || result.status() != PropertyExecutionResult.Status.SUCCESSFUL) {
                return result;
            }
            return result.mapToFailed(new AssertionError(pins.size() + " virtual-thread pinning event(s) in "
                    + "dev.socketloom code during " + context.label() + ":\n  " + String.join("\n  ", pins)));
        }
    }
}
