package dev.socketloom.archfixture;

/**
 * Deliberately breaks the main-code rules of {@code ArchitectureTest} (it sleeps, it holds a monitor, it names test
 * code), so that the test can show each rule failing on a real class: a rule that never fails proves nothing.
 * Compiled with the tests only; never loaded.
 */
public final class BadMainCode {
    private BadMainCode() {
    }

    static synchronized void waitsBySleeping() throws InterruptedException {
        Thread.sleep(1);
    }

    static String namesTestCode() {
        return org.junit.jupiter.api.Test.class.getName();
    }
}
