package dev.baton.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.baton.etcd.Etcd;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code baton tasks | members | leader}: one consistent read of the fleet (the same view the
 * dashboard serves), printed as a table for people or, with {@code --json}, as JSON for scripts.
 */
abstract class FleetListing implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions store;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Etcd etcd = store.connect();
             FleetView view = FleetView.start(etcd, store.prefix(), new FleetMetrics())) {
            print(out, view);
        }
        out.flush();
        return 0;
    }

    /** Prints this command's part of the fleet, as a table or as JSON. */
    void print(PrintWriter out, FleetView view) throws JsonProcessingException {
        JsonNode section = read(view);
        if (json) {
            out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(section));
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(header());
            if (section.isArray()) {
                section.forEach(node -> rows.add(row(node)));
            } else if (!section.isNull() && !section.isMissingNode()) {
                rows.add(row(section));
            }
            printTable(out, rows);
        }
    }

    /** The part of the fleet this command shows: an array of rows, one object, or null. */
    abstract JsonNode read(FleetView view);

    abstract String[] header();

    abstract String[] row(JsonNode node);

    static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "-" : value.asText();
    }

    private static void printTable(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    @Command(name = "tasks", mixinStandardHelpOptions = true,
            description = "Lists tasks: state, owner, failed runs, exit code, result and the end of their output.")
    static final class Tasks extends FleetListing {
        @Option(names = "--state", paramLabel = "STATE",
                description = "Only tasks in this state: runnable, paused, sleeping, fault, completed, failed or killed.")
        String state;

        @Override
        public Integer call() throws Exception {
            if (state != null && TaskPages.statusNamed(state).isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown --state '" + state
                        + "'; expected runnable, paused, sleeping, fault, completed, failed or killed");
            }
            return super.call();
        }

        @Override
        JsonNode read(FleetView view) {
            ArrayNode tasks = JSON.createArrayNode();
            for (JsonNode task : view.allTasks()) {
                if (state == null || state.equals(task.path("state").asText())) {
                    tasks.add(task);
                }
            }
            return tasks;
        }

        @Override
        String[] header() {
            return new String[] {"ID", "STATE", "OWNER", "FAILED-RUNS", "EXIT", "SINCE", "RESULT", "OUTPUT"};
        }

        @Override
        String[] row(JsonNode t) {
            String output = text(t, "output").strip();
            int lastLine = output.lastIndexOf('\n');
            String tail = lastLine < 0 ? output : output.substring(lastLine + 1);
            String result = text(t, "result");
            return new String[] {text(t, "id"), text(t, "state"), text(t, "owner"), text(t, "attempts"),
                text(t, "exitCode"), text(t, "since"), result.length() > 40 ? result.substring(0, 40) + "…" : result,
                tail.length() > 60 ? tail.substring(0, 60) + "…" : tail};
        }
    }

    @Command(name = "members", mixinStandardHelpOptions = true,
            description = "Lists members: zone, lease time left, tasks held, leader.")
    static final class Members extends FleetListing {
        @Override
        JsonNode read(FleetView view) {
            return view.snapshot().path("members");
        }

        @Override
        String[] header() {
            return new String[] {"NAME", "ZONE", "LEADER", "FROZEN", "TTL-LEFT", "TASKS"};
        }

        @Override
        String[] row(JsonNode m) {
            return new String[] {text(m, "name"), text(m, "zone"), m.path("leader").asBoolean() ? "*" : "",
                text(m, "frozen"), text(m, "ttlLeft") + "s", text(m, "held")};
        }
    }

    @Command(name = "leader", mixinStandardHelpOptions = true,
            description = "Shows the fleet's current leader.")
    static final class Leader extends FleetListing {
        @Override
        JsonNode read(FleetView view) {
            return view.snapshot().path("leader");
        }

        @Override
        String[] header() {
            return new String[] {"NAME", "KEY", "LEASE", "SINCE-REVISION"};
        }

        @Override
        String[] row(JsonNode l) {
            return new String[] {text(l, "name"), text(l, "key"), text(l, "lease"), text(l, "since")};
        }
    }
}
