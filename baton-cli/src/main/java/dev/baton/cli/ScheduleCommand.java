package dev.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.etcd.Etcd;
import dev.baton.schedule.CronExpression;
import dev.baton.schedule.InvalidScheduleException;
import dev.baton.schedule.MisfirePolicy;
import dev.baton.schedule.NoSuchScheduleException;
import dev.baton.schedule.Schedule;
import dev.baton.schedule.ScheduleInfo;
import dev.baton.schedule.Schedules;
import dev.baton.schedule.Trigger;
import dev.baton.tasks.TaskOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code baton schedule add|list|pause|resume|rm|next}: recurring command tasks. The workers'
 * elected scheduler creates one task {@code NAME@<fire time>} per fire time (see
 * {@code docs/scheduling.md}).
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Adds, lists, pauses, resumes and removes schedules of recurring command tasks.",
        subcommands = {ScheduleCommand.Add.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Pause.class,
            ScheduleCommand.Resume.class, ScheduleCommand.Remove.class, ScheduleCommand.Next.class})
final class ScheduleCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing required subcommand: add, list, pause, resume, rm or next");
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Adds a schedule that runs COMMAND (without a shell) at every fire time:",
                "baton schedule add nightly --cron '0 2 * * *' --zone Europe/Berlin -- ./backup.sh"})
    static final class Add implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private StoreOptions store;

        @Mixin
        private TaskOptionFlags taskOptions;

        @Parameters(index = "0", paramLabel = "NAME", description = "The schedule's name; its tasks are NAME@<fire time>.")
        private String name;

        @Option(names = "--cron", paramLabel = "EXPR",
                description = "5 fields (minute hour day-of-month month day-of-week) or 6 (second first).")
        private String cron;

        @Option(names = "--zone", paramLabel = "ZONE", description = "Time zone of --cron (default UTC), e.g. Europe/Berlin.")
        private String zone;

        @Option(names = "--every", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Fixed rate, counted from now: 1s, 5m, 1h (whole seconds).")
        private Duration every;

        @Option(names = "--delay", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "Fixed delay after the previous run's end (whole seconds).")
        private Duration delay;

        @Option(names = "--misfire", paramLabel = "POLICY", defaultValue = "fire-once",
                description = "After downtime or a pause: fire-once (default), skip, catch-up or catch-up:N.")
        private String misfire;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The program and its arguments.")
        private List<String> argv;

        @Override
        public Integer call() {
            Trigger trigger;
            MisfirePolicy policy;
            CommandTask command;
            TaskOptions options;
            try {
                trigger = trigger();
                policy = MisfirePolicy.parse(misfire);
                Schedule.checkName(name);
                command = new CommandTask(argv, Optional.empty());
                options = taskOptions.options();
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try (Etcd etcd = store.connect()) {
                Schedules schedules = Schedules.create(etcd, store.prefix());
                schedules.create(name, trigger, policy, command.toProperties(), options);
                ScheduleInfo info = schedules.get(name).orElseThrow(() -> new CommandFailure(
                        "schedule " + name + " was removed right after it was added"));
                PrintWriter out = spec.commandLine().getOut();
                out.println("added " + name + ": " + trigger + ", misfire " + policy + nextText(info));
                out.flush();
            } catch (IllegalStateException e) {
                throw new CommandFailure(e.getMessage(), e);
            }
            return 0;
        }

        private Trigger trigger() {
            int given = (cron != null ? 1 : 0) + (every != null ? 1 : 0) + (delay != null ? 1 : 0);
            if (given != 1) {
                throw new IllegalArgumentException("give exactly one of --cron, --every and --delay, got " + given);
            }
            if (zone != null && cron == null) {
                throw new IllegalArgumentException("--zone applies to --cron only");
            }
            if (cron != null) {
                return new Trigger.Cron(CronExpression.parse(cron,
                        zone == null ? ZoneOffset.UTC : CronExpression.zone(zone)));
            }
            return every != null ? new Trigger.FixedRate(every) : new Trigger.FixedDelay(delay);
        }

        private static String nextText(ScheduleInfo info) {
            List<Instant> next = info.nextFireTimes(Instant.now(), 1);
            return next.isEmpty() ? "" : "; first fire " + next.get(0);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the schedules, one consistent read.")
    static final class ListSchedules implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Spec
        private CommandSpec spec;

        @Mixin
        private StoreOptions store;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        private boolean json;

        @Override
        public Integer call() {
            List<ScheduleInfo> infos;
            try (Etcd etcd = store.connect()) {
                infos = Schedules.create(etcd, store.prefix()).list();
            }
            Instant now = Instant.now();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode array = JSON.createArrayNode();
                infos.forEach(info -> array.add(json(info, now)));
                out.println(array);
            } else {
                out.printf("%-24s %-8s %-34s %-12s %-22s %-22s %s%n", "NAME", "STATE", "TRIGGER", "MISFIRE", "LAST FIRE",
                        "NEXT FIRE", "COMMAND");
                for (ScheduleInfo info : infos) {
                    out.printf("%-24s %-8s %-34s %-12s %-22s %-22s %s%n", info.name(), state(info),
                            info.schedule().map(s -> s.trigger().toString()).orElse("-"),
                            info.schedule().map(s -> s.misfire().toString()).orElse("-"),
                            info.lastFire().map(Instant::toString).orElse("-"),
                            info.nextFireTimes(now, 1).stream().findFirst().map(Instant::toString).orElse("-"),
                            info.schedule().map(s -> commandLine(s)).orElse(String.join("; ", info.problems())));
                }
            }
            out.flush();
            return 0;
        }

        static String state(ScheduleInfo info) {
            return info.schedule().map(s -> s.paused() ? "paused" : "running").orElse("invalid");
        }

        static String commandLine(Schedule schedule) {
            try {
                return String.join(" ", CommandTask.from(schedule.properties()).argv());
            } catch (IllegalArgumentException e) {
                return schedule.properties().json();
            }
        }

        private static ObjectNode json(ScheduleInfo info, Instant now) {
            ObjectNode node = JSON.createObjectNode().put("name", info.name()).put("state", state(info));
            info.schedule().ifPresent(s -> {
                node.put("trigger", s.trigger().toString());
                node.put("misfire", s.misfire().toString());
                node.put("anchor", s.anchor().toString());
                node.set("properties", s.properties().tree());
            });
            node.put("lastFire", info.lastFire().map(Instant::toString).orElse(null));
            node.put("nextFire", info.nextFireTimes(now, 1).stream().findFirst().map(Instant::toString).orElse(null));
            ArrayNode problems = node.putArray("problems");
            info.problems().forEach(problems::add);
            return node;
        }
    }

    /** The common shape of pause, resume and rm: one change of one schedule, one line of output. */
    private abstract static class Change implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private StoreOptions store;

        @Parameters(index = "0", paramLabel = "NAME")
        private String name;

        abstract String done();

        abstract boolean apply(Schedules schedules, String name);

        @Override
        public Integer call() {
            try {
                Schedule.checkName(name);
            } catch (InvalidScheduleException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try (Etcd etcd = store.connect()) {
                if (!apply(Schedules.create(etcd, store.prefix()), name)) {
                    throw new CommandFailure("no schedule named \"" + name + "\"");
                }
            } catch (NoSuchScheduleException e) {
                throw new CommandFailure(e.getMessage(), e);
            }
            spec.commandLine().getOut().println(done() + " " + name);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pauses a schedule; on resume its misfire policy decides about the fire times missed.")
    static final class Pause extends Change {
        @Override
        String done() {
            return "paused";
        }

        @Override
        boolean apply(Schedules schedules, String name) {
            schedules.pause(name);
            return true;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes a paused schedule.")
    static final class Resume extends Change {
        @Override
        String done() {
            return "resumed";
        }

        @Override
        boolean apply(Schedules schedules, String name) {
            schedules.resume(name);
            return true;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Removes a schedule and its last fire time; the tasks it created stay.")
    static final class Remove extends Change {
        @Override
        String done() {
            return "removed";
        }

        @Override
        boolean apply(Schedules schedules, String name) {
            return schedules.delete(name);
        }
    }

    @Command(name = "next", mixinStandardHelpOptions = true,
            description = "Prints the next fire times of a schedule, one ISO-8601 instant a line.")
    static final class Next implements Callable<Integer> {
        @Spec
        private CommandSpec spec;

        @Mixin
        private StoreOptions store;

        @Parameters(index = "0", paramLabel = "NAME")
        private String name;

        @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "5", description = "How many (default 5).")
        private int count;

        @Override
        public Integer call() {
            if (count < 1 || count > 10_000) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-n must be between 1 and 10000, got " + count);
            }
            ScheduleInfo info;
            try (Etcd etcd = store.connect()) {
                info = Schedules.create(etcd, store.prefix()).get(name)
                        .orElseThrow(() -> new CommandFailure("no schedule named \"" + name + "\""));
            } catch (InvalidScheduleException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            info.nextFireTimes(Instant.now(), count).forEach(out::println);
            out.flush();
            info.schedule().filter(s -> s.trigger() instanceof Trigger.FixedDelay && info.lastFire().isPresent())
                    .ifPresent(s -> note(s.name() + " fires " + ((Trigger.FixedDelay) s.trigger()).delay()
                            + " after task " + s.taskId(info.lastFire().get()) + " ends"));
            info.schedule().filter(Schedule::paused).ifPresent(s -> note(s.name() + " is paused"));
            if (!info.problems().isEmpty()) {
                note(String.join("; ", info.problems()));
            }
            return 0;
        }

        private void note(String text) {
            spec.commandLine().getErr().println(text);
            spec.commandLine().getErr().flush();
        }
    }
}
