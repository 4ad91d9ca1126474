package dev.socketloom;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.socketloom.internal.connection.InternalAccess;
import dev.socketloom.internal.runtime.RuntimeCore;
import dev.socketloom.internal.tls.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture as rules, checked on the compiled main classes (docs/architecture.md draws the same map). A change
 * that breaks one fails here with the rule and the reason it exists. {@link #everyRuleCanFail()} runs the rules on
 * deliberately bad classes in {@code dev.socketloom.archfixture} (test sources), so that none passes vacuously.
 */
class ArchitectureTest {
    private static final String API = "dev.socketloom";
    private static final String INTERNAL = "dev.socketloom.internal";

    private static JavaClasses main;
    private static JavaClasses fixture;

    @BeforeAll
    static void importClasses() {
        Path target = Path.of(System.getProperty("basedir", "."), "target");
        Path classes = target.resolve("classes");
        Path fixtures = target.resolve("test-classes").resolve("dev/socketloom/archfixture");
        assertTrue(Files.isDirectory(classes) && Files.isDirectory(fixtures), "compiled classes under " + target);
        main = new ClassFileImporter().importPath(classes);
        fixture = new ClassFileImporter().importPath(fixtures);
        // the import itself must have seen the code, or every rule below would hold on nothing
        assertTrue(main.contain(RuntimeCore.class) && main.contain(SocketRuntime.class), "main classes imported");
    }

    /** The areas under {@code root}{@code .internal} point one way: each can be read and changed below its users. */
    static ArchRule noCyclesBetweenAreas(String root) {
        return slices().matching(root + ".internal.(*)..").should().beFreeOfCycles()
                .because("an area that its own dependencies use cannot be understood, tested or changed alone; "
                        + "break a new cycle with an interface in the lower area (as ConnectionHost does)");
    }

    static ArchRule layering() {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("API").definedBy(API)
                .layer("Facade").definedBy(API + ".inet..")
                .layer("Runtime").definedBy(INTERNAL + ".runtime..")
                .layer("Server").definedBy(INTERNAL + ".server..")
                .layer("Connection").definedBy(INTERNAL + ".connection..")
                .layer("TLS").definedBy(INTERNAL + ".tls..")
                .layer("PROXY").definedBy(INTERNAL + ".proxy..")
                .layer("Dial").definedBy(INTERNAL + ".dial..")
                .layer("JFR").definedBy(INTERNAL + ".jfr..")
                .layer("Errors").definedBy(INTERNAL + ".errors..")
                .layer("Util").definedBy(INTERNAL + ".util..")
                .whereLayer("Facade").mayNotBeAccessedByAnyLayer()
                .whereLayer("Runtime").mayOnlyBeAccessedByLayers("API")
                .whereLayer("Server").mayOnlyBeAccessedByLayers("Runtime")
                .whereLayer("Connection").mayOnlyBeAccessedByLayers("Runtime", "Server", "Facade")
                .whereLayer("TLS").mayOnlyBeAccessedByLayers("API", "Runtime", "Server", "Connection")
                .whereLayer("PROXY").mayOnlyBeAccessedByLayers("Server", "Connection")
                .whereLayer("Dial").mayOnlyBeAccessedByLayers("Runtime", "Server", "Connection", "TLS")
                .whereLayer("JFR").mayOnlyBeAccessedByLayers("Server", "Connection")
                .whereLayer("Errors").mayOnlyBeAccessedByLayers("Runtime", "Server", "Connection", "TLS", "PROXY",
                        "Dial")
                .whereLayer("Util").mayOnlyBeAccessedByLayers("Runtime", "Server", "Connection", "TLS", "Dial")
                .because("the runtime is read top down: the API and the facade on top, the runtime core, then "
                        + "server and connection, then TLS, PROXY and dialing, then the utilities; an arrow upwards "
                        + "ties a lower area to one of its users");
    }

    static ArchRule apiEntersTheInternalsThroughOneDoor() {
        return noClasses().that().resideInAPackage(API)
                .should().dependOnClassesThat(resideInAPackage(INTERNAL + "..")
                        .and(not(belongToAnyOf(TlsContexts.class))))
                .because("dev.socketloom is the Java API alone: it reaches the mechanics only to load key material "
                        + "when TlsOptions are built; SocketRuntime.open() finds its implementation as a service, "
                        + "so the interface and RuntimeCore do not refer to each other");
    }

    static ArchRule facadeEntersTheInternalsThroughOneDoor() {
        return noClasses().that().resideInAPackage(API + ".inet..")
                .should().dependOnClassesThat(resideInAPackage(INTERNAL + "..")
                        .and(not(belongToAnyOf(InternalAccess.class))))
                .because("the SocketWrench facade is a client of the Java API; the few calls it needs beyond it "
                        + "go through InternalAccess, so the internals can change without the facade noticing");
    }

    static ArchRule noSleeping() {
        return noClasses().should().callMethod(Thread.class, "sleep", long.class)
                .orShould().callMethod(Thread.class, "sleep", long.class, int.class)
                .orShould().callMethod(Thread.class, "sleep", Duration.class)
                .because("no thread sleeps to wait for another: main code waits on a condition, a join or a "
                        + "deadline (a sleep is either too long or, on a loaded machine, too short)");
    }

    static ArchRule noMonitors() {
        String why = "a virtual thread that blocks while holding a monitor can pin its carrier and cannot be "
                + "interrupted out of waiting for it; main code locks with java.util.concurrent.locks "
                + "(synchronized blocks are not visible in the class files' structure, so code review and "
                + "the pinning check of the lifecycle chains cover them)";
        return CompositeArchRule.of(noMethods().should().haveModifier(JavaModifier.SYNCHRONIZED).because(why))
                .and(noClasses().should().callMethod(Object.class, "wait")
                        .orShould().callMethod(Object.class, "wait", long.class).because(why));
    }

    static ArchRule noTestCode() {
        return noClasses().should().dependOnClassesThat().resideInAnyPackage("org.junit..", "net.jqwik..",
                        "org.assertj..", "com.tngtech..", "..testing..", "..lifecycle..", "..archfixture..")
                .because("the production jar has no test dependencies: tests replace behaviour through "
                        + "constructor seams (RuntimeCore(JoinPolicy)), never through test code or switches in main");
    }

    @Test
    void internalAreasFormADag() {
        noCyclesBetweenAreas(API).check(main);
    }

    @Test
    void areasOnlyUseTheAreasBelowThem() {
        layering().check(main);
    }

    @Test
    void theJavaApiUsesOnlyTwoInternalTypes() {
        apiEntersTheInternalsThroughOneDoor().check(main);
    }

    @Test
    void theFacadeUsesOnlyInternalAccess() {
        facadeEntersTheInternalsThroughOneDoor().check(main);
    }

    @Test
    void mainCodeNeverSleeps() {
        noSleeping().check(main);
    }

    @Test
    void mainCodeHoldsNoMonitors() {
        noMonitors().check(main);
    }

    @Test
    void mainCodeNeverRefersToTestCode() {
        noTestCode().check(main);
    }

    @Test
    void everyRuleCanFail() {
        assertFails(noCyclesBetweenAreas(API + ".archfixture"), "Upstairs");
        assertFails(noSleeping(), "Thread.sleep");
        assertFails(noMonitors(), "SYNCHRONIZED");
        assertFails(noTestCode(), "org.junit");
    }

    private static void assertFails(ArchRule rule, String expected) {
        EvaluationResult result = rule.evaluate(fixture);
        assertTrue(result.hasViolation(), "the rule must fail on the fixture: " + rule.getDescription());
        String report = result.getFailureReport().toString();
        assertTrue(report.contains(expected) && report.contains("because"), report);
    }
}
