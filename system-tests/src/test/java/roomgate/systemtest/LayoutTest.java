package roomgate.systemtest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The module and package layout stays what docs/ARCHITECTURE.md says it is. This module sees every
 * other module's classes, so the rules are checked here, over the production code of all of them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LayoutTest {
    private JavaClasses classes;

    @BeforeAll
    void importProductionClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("roomgate");
        // The rules below pass vacuously on nothing: make sure the modules' classes are there.
        for (String pkg : new String[] {
            "roomgate.gateway.routing",
            "roomgate.node.registry",
            "roomgate.cluster",
            "roomgate.placement",
            "roomgate.wire.link",
            "roomgate.runtime",
            "roomgate.loadtest",
            "roomgate.bench.direct"
        }) {
            if (!classes.containPackage(pkg)) {
                throw new IllegalStateException("no classes imported from " + pkg);
            }
        }
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        // Each package is its own slice: a cycle between roomgate.gateway.session and
        // roomgate.gateway.routing fails, as does one between a package and its subpackage.
        slices().matching("roomgate.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyTheClusterAndTheServersKnowHazelcast() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "roomgate.placement..",
                        "roomgate.wire..",
                        "roomgate.recording..",
                        "roomgate.runtime..",
                        "roomgate.chess..",
                        "roomgate.client..",
                        "roomgate.loadtest..",
                        "roomgate.archive..",
                        "roomgate.protocol..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("com.hazelcast..")
                .check(classes);
    }

    @Test
    void theProductDoesNotDependOnBenchmarkCode() {
        noClasses()
                .that()
                .resideOutsideOfPackages("roomgate.bench..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("roomgate.bench..")
                .check(classes);
    }

    @Test
    void placementIsPlainJava() {
        noClasses()
                .that()
                .resideInAPackage("roomgate.placement..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages("roomgate.placement..", "java..")
                .check(classes);
    }
}
