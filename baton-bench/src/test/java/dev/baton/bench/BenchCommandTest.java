package dev.baton.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    private final List<String> ran = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** A scenario that records that it ran and returns one figure, or throws. */
    private Scenario scenario(String name, boolean fails) {
        return new Scenario() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String summary() {
                return "the " + name + " scenario";
            }

            @Override
            public List<Figure> run(BenchRun run) {
                ran.add(name + (run.quick() ? " quick" : ""));
                if (fails) {
                    throw new IllegalStateException("no etcd for " + name);
                }
                return List.of(Figure.compared(name, "ops/s", "1/s", 10, 5, "etcd"));
            }
        };
    }

    private int execute(List<Scenario> known, String... args) {
        return BenchCommand.commandLine(known, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void allRunsEveryScenarioInTheRegistryOrder() {
        int exit = execute(List.of(scenario("store", false), scenario("claim", false)), "all", "--quick");

        assertThat(exit).isZero();
        assertThat(ran).containsExactly("store quick", "claim quick");
        assertThat(out()).contains("## store").contains("## claim").contains("| ops/s | 1/s | 10 | 5 | etcd | 2.00 |");
    }

    @Test
    void namedScenariosRunInTheOrderGivenAndOnlyOnce() {
        int exit = execute(List.of(scenario("store", false), scenario("claim", false)), "claim", "store", "claim");

        assertThat(exit).isZero();
        assertThat(ran).containsExactly("claim", "store");
    }

    @Test
    void unknownScenarioIsAUsageErrorNamingTheKnownOnes() {
        int exit = execute(List.of(scenario("store", false), scenario("claim", false)), "store", "elect");

        assertThat(exit).isEqualTo(2);
        assertThat(ran).isEmpty();
        assertThat(err()).contains("unknown scenario 'elect'; known: store, claim, or all").contains("Usage:");
    }

    @Test
    void noScenarioIsAUsageError() {
        assertThat(execute(List.of(scenario("store", false)), "--quick")).isEqualTo(2);
        assertThat(ran).isEmpty();
    }

    @Test
    void jsonPrintsOneObjectPerFigurePerLine() {
        int exit = execute(List.of(scenario("store", false), scenario("claim", false)), "all", "--json");

        assertThat(exit).isZero();
        assertThat(out().lines().toList()).containsExactly(
                Figure.compared("store", "ops/s", "1/s", 10, 5, "etcd").toJson(),
                Figure.compared("claim", "ops/s", "1/s", 10, 5, "etcd").toJson());
    }

    @Test
    void aFailingScenarioIsReportedTheOthersRunAndTheRunExitsWithOne() {
        int exit = execute(List.of(scenario("store", true), scenario("claim", false)), "all", "--json");

        assertThat(exit).isEqualTo(1);
        assertThat(ran).containsExactly("store", "claim");
        assertThat(err()).contains("scenario store failed: java.lang.IllegalStateException: no etcd for store")
                .contains("1 of 2 scenarios failed: store");
        assertThat(out().lines()).hasSize(1);
    }

    @Test
    void aScenarioWithoutFiguresHasFailed() {
        Scenario empty = new Scenario() {
            @Override
            public String name() {
                return "alloc";
            }

            @Override
            public String summary() {
                return "nothing";
            }

            @Override
            public List<Figure> run(BenchRun run) {
                return List.of();
            }
        };

        assertThat(execute(List.of(empty), "alloc")).isEqualTo(1);
        assertThat(err()).contains("scenario alloc failed").contains("produced no figures");
    }
}
