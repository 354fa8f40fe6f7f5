package dev.baton.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton bench SCENARIO|all [--quick] [--json] [--report FILE]}: runs scenarios one after
 * the other and prints a table per scenario (or, with {@code --json}, one JSON object per figure
 * per line). Exits with 0 when every scenario produced its figures, 1 when one failed (after the
 * others ran), 2 on bad usage. It asserts nothing about speed.
 */
@Command(name = "baton bench", sortOptions = false,
        description = "Measures Baton next to what users would pick instead, in the same run on this machine.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO|all",
            description = "Scenarios to run, in the order given, or all to run every one (listed below).")
    private List<String> names;

    @Option(names = "--quick", description = "Smaller sizes, every figure still produced (all: under 5 minutes).")
    private boolean quick;

    @Option(names = "--json", description = "One JSON object per figure per line instead of tables.")
    private boolean json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a Markdown report with the tables to FILE and PNG charts to bench/ beside it.")
    private Path report;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    private final List<Scenario> known;
    private final PrintStream out;
    private final PrintStream err;

    BenchCommand(List<Scenario> known, PrintStream out, PrintStream err) {
        this.known = List.copyOf(known);
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        GrpcLogs.quiet();
        System.exit(commandLine(Scenarios.all(), System.out, System.err).execute(args));
    }

    /** The command line over {@code known} scenarios, writing to {@code out} and {@code err}. */
    static CommandLine commandLine(List<Scenario> known, PrintStream out, PrintStream err) {
        BenchCommand command = new BenchCommand(known, out, err);
        CommandLine line = new CommandLine(command);
        StringBuilder footer = new StringBuilder("%nScenarios:%n");
        for (Scenario s : known) {
            footer.append(String.format(Locale.ROOT, "  %s%%n      %s%%n", s.name(), s.summary().replace("%", "%%")));
        }
        line.getCommandSpec().usageMessage().footer(footer.toString());
        return line.setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    /** The scenarios named on the command line, in order, without repeats; {@code all} is every one. */
    List<Scenario> selected() {
        Set<Scenario> chosen = new LinkedHashSet<>();
        for (String name : names) {
            if (name.equals("all")) {
                chosen.addAll(known);
                continue;
            }
            Scenario scenario = known.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                            "unknown scenario '" + name + "'; known: "
                                    + String.join(", ", known.stream().map(Scenario::name).toList()) + ", or all"));
            chosen.add(scenario);
        }
        return List.copyOf(chosen);
    }

    @Override
    public Integer call() throws IOException {
        List<Scenario> scenarios = selected();
        Instant started = Instant.now();
        ChartData charts = new ChartData();
        MemoizedMachine machine = new MemoizedMachine();
        List<Outcome> outcomes = new ArrayList<>();
        Path parent = Files.createTempDirectory("baton-bench-");
        try {
            for (Scenario scenario : scenarios) {
                Outcome outcome = run(scenario, parent, machine, charts);
                outcomes.add(outcome);
                print(outcome);
            }
        } finally {
            deleteRecursively(parent);
        }
        List<Outcome> failed = outcomes.stream().filter(Outcome::failed).toList();
        if (report != null) {
            new Report(report, quick, started, machine.get(), String.join(" ", spec.commandLine().getParseResult()
                    .originalArgs())).write(outcomes, charts);
            err.println("bench: wrote " + report);
        }
        if (!failed.isEmpty()) {
            err.printf(Locale.ROOT, "bench: %d of %d scenarios failed: %s%n", failed.size(), outcomes.size(),
                    String.join(", ", failed.stream().map(o -> o.scenario().name()).toList()));
            return 1;
        }
        return 0;
    }

    private Outcome run(Scenario scenario, Path parent, MemoizedMachine machine, ChartData charts) {
        err.printf("bench: %s: %s%s%n", scenario.name(), scenario.summary(), quick ? " (quick)" : "");
        long start = System.nanoTime();
        List<Figure> figures = List.of();
        Throwable failure = null;
        try (BenchRun run = new BenchRun(scenario.name(), quick, parent, err, machine, charts)) {
            figures = checked(scenario, scenario.run(run));
        } catch (Exception | Error e) {
            // Even an OutOfMemoryError of one scenario's largest size is reported, and the rest run.
            failure = e;
        }
        Outcome outcome = new Outcome(scenario, failure == null ? figures : List.of(), failure,
                (System.nanoTime() - start) / 1e9);
        if (outcome.failed()) {
            err.println("bench: " + outcome.failureLine());
            outcome.failure().printStackTrace(err);
        } else {
            err.printf(Locale.ROOT, "bench: %s done in %.0f s%n", scenario.name(), outcome.seconds());
        }
        return outcome;
    }

    /** A scenario that returns no figure, or another scenario's, has failed to produce its own. */
    private static List<Figure> checked(Scenario scenario, List<Figure> figures) {
        if (figures == null || figures.isEmpty()) {
            throw new IllegalStateException("scenario " + scenario.name() + " produced no figures");
        }
        for (Figure f : figures) {
            if (!f.scenario().equals(scenario.name())) {
                throw new IllegalStateException("scenario " + scenario.name() + " produced a figure of scenario "
                        + f.scenario() + ": " + f.metric());
            }
        }
        return figures;
    }

    private void print(Outcome outcome) {
        if (json) {
            outcome.figures().forEach(f -> out.println(f.toJson()));
        } else if (!outcome.failed()) {
            out.printf("%n## %s%n%n%s", outcome.scenario().name(), FigureTable.of(outcome.figures()));
        }
        out.flush();
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The machine's description, taken once (it runs the etcd binary) and only if asked for. */
    private static final class MemoizedMachine implements Supplier<Machine> {
        private Machine machine;

        @Override
        public synchronized Machine get() {
            if (machine == null) {
                machine = Machine.describe();
            }
            return machine;
        }
    }
}
