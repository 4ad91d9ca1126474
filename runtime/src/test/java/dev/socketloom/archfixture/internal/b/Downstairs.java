package dev.socketloom.archfixture.internal.b;

import dev.socketloom.archfixture.internal.a.Upstairs;

/** The other half of the deliberate package cycle (b -> a) for {@code ArchitectureTest}'s own check. */
public final class Downstairs {
    private Downstairs() {
    }

    public static Object up() {
        return Upstairs.class;
    }
}
