package dev.socketloom.lifecycle;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Lets the command line override a chain property's seed and tries without editing code:
 * {@code -Dlifecycle.seed=<seed from a failure report>} replays a failing run, {@code -Dlifecycle.tries=<n>} changes
 * the number of chains. Surefire passes {@code -D} user properties on to the test JVM.
 */
public final class ChainSettings implements AroundPropertyHook {
    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        String seed = System.getProperty("lifecycle.seed", "").trim();
        if (!seed.isEmpty()) {
            context.attributes().setSeed(seed);
        }
        String tries = System.getProperty("lifecycle.tries", "").trim();
        if (!tries.isEmpty()) {
            context.attributes().setTries(Integer.parseInt(tries));
        }
        return property.execute();
    }

    @Override
    public int aroundPropertyProximity() {
        return -100; // outermost: attributes must be set before anything runs the property
    }
}
