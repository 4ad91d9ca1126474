package dev.socketloom.archfixture.internal.a;

import dev.socketloom.archfixture.internal.b.Downstairs;

/** One half of a deliberate package cycle (a -> b -> a) for {@code ArchitectureTest}'s own check. */
public final class Upstairs {
    private Upstairs() {
    }

    static Object down() {
        return Downstairs.up();
    }
}
