package dev.socketloom.stress;

import dev.socketloom.stress.scenario.Resources;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the test classes: before the leak check takes its first snapshot, makes the JDK start its lazily created
 * I/O pollers (their epoll descriptors stay for the life of the JVM). The leak check's own warm-up does not always
 * park a virtual thread on a socket, so without this the first test of a fork that does would see
 * {@code anon_inode:[eventpoll]} descriptors "leak".
 */
abstract class WarmJdk {
    @BeforeAll
    static void warmJdkPollers() {
        Resources.warmBaseline();
    }
}
