package dev.baton.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.chaos.check.CheckResult;
import dev.baton.chaos.check.Violation;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * {@code scripts/chaos [SCENARIO|all] [--runs N] [--seed S] [--json] [--trace] [--long | --soak DURATION]}:
 * runs scenarios, prints a summary per scenario (and, with {@code --json}, one JSON verdict per scenario on a
 * line of its own), and exits 1 when any checker found a violation, 2 on bad arguments. With
 * {@code --trace} every process logs each state change of its sessions, elections and
 * connections, the suite logs the timeline of each etcd partition, and every run's directory is kept.
 *
 * <p>The seed is printed first; each run's schedule (which worker, when) is drawn from the seed,
 * the scenario and the run number, so {@code --seed} replays it. Process timing on a busy machine
 * still varies, so a replay repeats the faults, not every interleaving.
 */
public final class ChaosCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String USAGE = "usage: scripts/chaos [SCENARIO|all] [--runs N] [--seed S] [--json] "
            + "[--trace] [--long | --soak DURATION]\n"
            + "scenarios: " + String.join(", ", Arrays.stream(Scenario.values()).map(Scenario::label).toList());

    private ChaosCommand() {
    }

    /** The logging set-up of every process of the suite: errors only, on standard error. */
    public static final String LOGBACK = "-Dlogback.configurationFile=" + ChaosLogging.CONFIGURATION;
    /** The log level of every process, {@code -Dchaos.log.level=INFO} for more; ERROR by default. */
    private static final String LOG_LEVEL = "chaos.log.level";
    /**
     * The level of the loggers {@code --trace} turns up in every process: sessions, elections,
     * connections and the suite's own timeline of each fault (see chaos-logback.xml).
     */
    private static final String TRACE_LEVEL = "chaos.trace.level";

    public static void main(String[] args) throws Exception {
        ChaosLogging.configure();
        // The soak draws its resource curves as PNG files; no display is needed.
        System.setProperty("java.awt.headless", "true");
        String which = "all";
        int runs = 1;
        long seed = ThreadLocalRandom.current().nextLong(1, 1_000_000_000L);
        boolean json = false;
        boolean trace = false;
        boolean longForm = false;
        Duration soak = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--runs" -> runs = Integer.parseInt(args[++i]);
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--json" -> json = true;
                    case "--trace" -> trace = true;
                    case "--long" -> longForm = true;
                    case "--soak" -> soak = soakDuration(args[++i]);
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> {
                        if (args[i].startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + args[i]);
                        }
                        which = args[i];
                    }
                }
            }
            if (runs < 1) {
                throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
            }
            if (soak != null && !which.equals("all") && !which.equals(Scenario.SOAK.label())) {
                throw new IllegalArgumentException("--soak runs the soak scenario only, not " + which);
            }
        } catch (RuntimeException e) {
            System.err.println("chaos: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        if (trace) {
            System.setProperty(TRACE_LEVEL, "DEBUG");
        }
        List<Scenario> scenarios = new ArrayList<>();
        if (soak != null) {
            scenarios.add(Scenario.SOAK);
        } else if (which.equals("all")) {
            scenarios.addAll(Arrays.asList(Scenario.values()));
        } else {
            String name = which;
            scenarios.add(Scenario.byLabel(name).orElseGet(() -> {
                System.err.println("chaos: unknown scenario '" + name + "'\n" + USAGE);
                System.exit(2);
                return null;
            }));
        }
        RunSettings settings = soak != null ? RunSettings.soak(soak.dividedBy(Scenario.SOAK.parts.size()))
                : longForm ? RunSettings.LONG : RunSettings.SHORT;
        PrintStream out = System.out;
        out.printf("chaos: seed %d, %s form (faults for %d s per run%s, %d tasks, %d workers, TTL %d s)%n", seed,
                soak != null ? "soak" : longForm ? "long" : "short", settings.chaos().toSeconds(),
                soak != null ? " and store, " + Scenario.SOAK.parts.size() + " stores" : "", settings.tasks(),
                settings.workers(), settings.ttl().toSeconds());
        Path root = Files.createTempDirectory("baton-chaos-");
        boolean anyViolation = false;
        int failedScenarios = 0;
        List<String> verdicts = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            List<RunResult> results = new ArrayList<>();
            for (int run = 0; run < runs; run++) {
                long runSeed = seed * 31 + scenario.ordinal() * 1_000 + run;
                for (Scenario.Part part : parts(scenario, settings, runSeed)) {
                    String name = scenario.parts.size() == 1 ? scenario.label()
                            : scenario.label() + "-" + part.store().name().toLowerCase(Locale.ROOT);
                    Path dir = root.resolve(name + "-" + run);
                    RunResult result;
                    try {
                        result = scenario.run(part, settings, runSeed, dir);
                    } catch (Exception e) {
                        result = new RunResult(runSeed, 0, 0, 0, Map.of(), List.of(new CheckResult("harness", 0,
                                List.of(new Violation("harness", "the run failed: " + e, List.of())), "")));
                    }
                    results.add(result);
                    printRun(out, scenario, part, run, result);
                    if (result.violations().isEmpty() && !trace) {
                        ScenarioRun.deleteQuietly(dir);
                    }
                }
            }
            boolean failed = results.stream().anyMatch(r -> !r.violations().isEmpty());
            anyViolation |= failed;
            failedScenarios += failed ? 1 : 0;
            printSummary(out, scenario, runs, results);
            verdicts.add(verdict(scenario, runs, results, seed));
        }
        if (json) {
            verdicts.forEach(out::println);
        }
        out.println(anyViolation ? "chaos: VIOLATIONS FOUND (seed " + seed + "; logs kept under " + root + ")"
                : "chaos: all invariants held (seed " + seed + ")");
        // The closing line test runners print, so CI counts scenarios as tests.
        out.printf("scenarios: %d passed, %d failed%n", scenarios.size() - failedScenarios, failedScenarios);
        if (trace) {
            out.println("chaos: every run's directory, with each process's log, kept under " + root);
        } else if (soak != null) {
            out.println("chaos: the soak's resource curves (*-resources.csv and .png) kept under " + root);
        } else if (!anyViolation) {
            ScenarioRun.deleteQuietly(root);
        }
        out.flush();
        System.exit(anyViolation ? 1 : 0);
    }

    /**
     * What one run of {@code scenario} runs: in the soak form every part, one after the other;
     * otherwise the scenario's only part, or for the soak one part, alternating from run to run.
     */
    private static List<Scenario.Part> parts(Scenario scenario, RunSettings settings, long runSeed) {
        if (settings.soak() || scenario.parts.size() == 1) {
            return scenario.parts;
        }
        return List.of(scenario.parts.get((int) Math.floorMod(runSeed, (long) scenario.parts.size())));
    }

    /** The logging settings of a process the suite starts: the controller's own levels. */
    public static String[] childLogging() {
        List<String> settings = new ArrayList<>(List.of(LOGBACK,
                "-D" + LOG_LEVEL + "=" + System.getProperty(LOG_LEVEL, "ERROR")));
        String trace = System.getProperty(TRACE_LEVEL);
        if (trace != null) {
            settings.add("-D" + TRACE_LEVEL + "=" + trace);
        }
        return settings.toArray(String[]::new);
    }

    /** {@code 90s}, {@code 30m}, {@code 1h}: at least a minute. */
    private static Duration soakDuration(String text) {
        Duration duration;
        try {
            duration = Duration.parse("PT" + text.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--soak takes a duration such as 90s, 30m or 1h, got '" + text + "'");
        }
        if (duration.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("--soak must be at least 1m, got " + text);
        }
        return duration;
    }

    private static void printRun(PrintStream out, Scenario scenario, Scenario.Part part, int run, RunResult result) {
        out.printf("  %s run %d%s (seed %d): %d faults%s, %d compactions, %d operations checked, %d violations%n",
                scenario.label(), run + 1, scenario.parts.size() == 1 ? "" : " on " + part.store().description,
                result.seed(), result.faults(),
                result.healElections() == 0 ? "" : ", " + result.healElections() + " heal elections",
                result.compactions(), result.operationsChecked(), result.violations().size());
        if (scenario.parts.size() > 1 || part.nemeses().size() > 1) {
            out.println("    faults: " + result.injected().entrySet().stream()
                    .map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining(", ")));
        }
        for (CheckResult check : result.checks()) {
            if (check.checker().equals("harness") && check.passed()) {
                continue;
            }
            out.printf("    %-16s %6d checked  %s%s%n", check.checker(), check.checked(),
                    check.passed() ? "ok" : check.violations().size() + " VIOLATIONS",
                    check.notes().isEmpty() ? "" : "  (" + check.notes() + ")");
            for (Violation violation : check.violations()) {
                out.println("      ! " + violation.summary());
                violation.excerpt().forEach(line -> out.println("          " + line));
            }
        }
        out.flush();
    }

    private static void printSummary(PrintStream out, Scenario scenario, int runs, List<RunResult> results) {
        out.printf("%-18s runs %d, faults injected %d, operations checked %d, violations %d%n", scenario.label(),
                runs, results.stream().mapToInt(RunResult::faults).sum(),
                results.stream().mapToLong(RunResult::operationsChecked).sum(),
                results.stream().mapToLong(r -> r.violations().size()).sum());
        out.flush();
    }

    private static String verdict(Scenario scenario, int runs, List<RunResult> results, long seed) {
        ObjectNode node = JSON.createObjectNode();
        node.put("scenario", scenario.label());
        node.put("seed", seed);
        node.put("runs", runs);
        node.put("faultsInjected", results.stream().mapToInt(RunResult::faults).sum());
        Map<String, Long> perNemesis = new TreeMap<>();
        results.forEach(r -> r.injected().forEach((nemesis, count) -> perNemesis.merge(nemesis, count, Long::sum)));
        ObjectNode injected = node.putObject("faultsPerNemesis");
        perNemesis.forEach(injected::put);
        node.put("healElections", results.stream().mapToInt(RunResult::healElections).sum());
        node.put("operationsChecked", results.stream().mapToLong(RunResult::operationsChecked).sum());
        Map<String, Long> perChecker = new LinkedHashMap<>();
        results.forEach(r -> r.checks().forEach(c -> perChecker.merge(c.checker(), c.checked(), Long::sum)));
        ObjectNode checked = node.putObject("checkedPerChecker");
        perChecker.forEach(checked::put);
        ArrayNode violations = node.putArray("violations");
        // A run of the soak form is one result per part, in order.
        int resultsPerRun = results.size() / runs;
        for (int i = 0; i < results.size(); i++) {
            for (Violation violation : results.get(i).violations()) {
                ObjectNode v = violations.addObject();
                v.put("run", i / resultsPerRun + 1);
                v.put("runSeed", results.get(i).seed());
                v.put("checker", violation.checker());
                v.put("summary", violation.summary());
                ArrayNode excerpt = v.putArray("excerpt");
                violation.excerpt().forEach(excerpt::add);
            }
        }
        node.put("passed", violations.isEmpty());
        return node.toString();
    }
}
