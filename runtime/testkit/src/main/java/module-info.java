/**
 * SocketLoom testkit: test a server built on SocketLoom with JUnit 5, and fail the test when something SocketLoom
 * started outlived it. Works on the class path and the module path without JVM flags.
 */
module dev.socketloom.testkit {
    requires transitive dev.socketloom;
    requires transitive org.junit.jupiter.api;

    exports dev.socketloom.testkit;
}
