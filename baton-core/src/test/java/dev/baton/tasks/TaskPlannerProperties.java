package dev.baton.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Random histories of a fleet planned by {@link TaskPlanner} over {@link FairBalancer}: members
 * join and leave, tasks are submitted (some due later), complete, and are released by command;
 * time passes. After every step the members plan in turns until nothing changes (a claim lands
 * only when the task has no owner, as in the store). Then: nothing held off or not yet due was
 * claimed, no plan claims a task twice or one its member holds, every due task is claimed, every
 * member holds ⌊N/M⌋ or ⌈N/M⌉, and no more tasks moved than the fewest a balanced outcome needs.
 */
class TaskPlannerProperties {

    private static final Duration HOLD_OFF = Duration.ofSeconds(10);

    @Property(tries = 300)
    void fleetsConvergeFairlyWithTheFewestMovesAndRespectTimes(
            @ForAll long seed, @ForAll @Size(min = 1, max = 14) List<@IntRange(min = 0, max = 5) Integer> steps) {
        Model model = new Model(new Random(seed));
        model.join();
        model.submit(model.random.nextInt(60));
        model.settle();
        for (int step : steps) {
            switch (step) {
                case 0 -> model.join();
                case 1 -> model.leave();
                case 2 -> model.submit(1 + model.random.nextInt(40));
                case 3 -> model.complete(1 + model.random.nextInt(20));
                case 4 -> model.releaseByCommand();
                default -> model.advance(Duration.ofSeconds(1 + model.random.nextInt(30)));
            }
            model.settle();
        }
    }

    /** The store and the members' own state, without I/O. */
    private static final class Model {
        final Random random;
        final TaskPlanner planner = new TaskPlanner(new FairBalancer());
        final ClaimWindow window = new ClaimWindow(Duration.ofSeconds(2));
        final Map<TaskId, Instant> tasks = new TreeMap<>();
        final Map<TaskId, TaskOwner> owners = new HashMap<>();
        final Map<String, Map<TaskId, Instant>> holdOffs = new TreeMap<>();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        long revision;
        int nextMember;
        int nextTask;

        Model(Random random) {
            this.random = random;
        }

        void join() {
            holdOffs.put("m" + nextMember++, new HashMap<>());
        }

        void leave() {
            if (holdOffs.size() > 1) {
                String member = pick(new ArrayList<>(holdOffs.keySet()));
                holdOffs.remove(member);
                owners.values().removeIf(owner -> owner.member().equals(member));
            }
        }

        void submit(int count) {
            for (int i = 0; i < count; i++) {
                Instant notBefore = random.nextInt(4) == 0 ? now.plusSeconds(1 + random.nextInt(20)) : null;
                tasks.put(TaskId.of(String.format("t%05d", nextTask++)), notBefore);
            }
        }

        void complete(int count) {
            List<TaskId> claimed = new ArrayList<>(owners.keySet());
            Collections.sort(claimed);
            for (int i = 0; i < count && !claimed.isEmpty(); i++) {
                TaskId task = claimed.remove(random.nextInt(claimed.size()));
                owners.remove(task);
                tasks.remove(task);
            }
        }

        void releaseByCommand() {
            List<TaskId> claimed = new ArrayList<>(owners.keySet());
            if (!claimed.isEmpty()) {
                Collections.sort(claimed);
                release(claimed.get(random.nextInt(claimed.size())));
            }
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        /**
         * Plans until quiet, then lets every hold-off end (and more tasks fall due) and plans until
         * quiet again, until no hold-off is left; checks each phase.
         */
        void settle() {
            convergeAndCheck();
            for (int phase = 0; holdOffs.values().stream().anyMatch(heldOff -> !active(heldOff).isEmpty()); phase++) {
                assertThat(phase).as("phases before every hold-off has ended").isLessThan(10);
                advance(HOLD_OFF);
                convergeAndCheck();
            }
        }

        private void convergeAndCheck() {
            int[] before = holdings();
            int due = dueTasks().size();
            int moves = converge();
            int members = holdOffs.size();
            assertThat(moves).as("tasks released").isLessThanOrEqualTo(FairBalancerConvergenceTest.minimumMoves(before,
                    due));
            boolean holdOffsActive = holdOffs.values().stream().anyMatch(heldOff -> !active(heldOff).isEmpty());
            if (!holdOffsActive) {
                assertThat(owners.keySet()).as("every due task is claimed").containsAll(dueTasks());
                for (int held : holdings()) {
                    assertThat(held).as("holding with %d tasks over %d members", due, members)
                            .isBetween(due / members, (due + members - 1) / members);
                }
            }
        }

        private Set<TaskId> active(Map<TaskId, Instant> heldOff) {
            Set<TaskId> active = new HashSet<>();
            heldOff.forEach((task, until) -> {
                if (until.isAfter(now)) {
                    active.add(task);
                }
            });
            return active;
        }

        private int converge() {
            int moves = 0;
            for (int round = 0; ; round++) {
                assertThat(round).as("rounds before the fleet settles").isLessThan(100);
                boolean changed = false;
                List<String> order = new ArrayList<>(holdOffs.keySet());
                Collections.shuffle(order, random);
                for (String member : order) {
                    TaskPlanner.Plan plan = planner.plan(input(member));
                    for (TaskId task : plan.release()) {
                        release(task);
                        moves++;
                        changed = true;
                    }
                    assertThat(new HashSet<>(plan.claim())).as("%s claims each task once", member)
                            .hasSize(plan.claim().size());
                    for (TaskId task : plan.claim()) {
                        assertThat(holdOffs.get(member).getOrDefault(task, Instant.MIN)).as("%s held off", task)
                                .isBeforeOrEqualTo(now);
                        Instant notBefore = tasks.get(task);
                        assertThat(notBefore == null || !notBefore.isAfter(now.plus(window.length())))
                                .as("%s is due: its not-before at most the claim window ahead", task).isTrue();
                        TaskOwner owner = owners.get(task);
                        assertThat(owner == null || !owner.member().equals(member))
                                .as("%s claims %s, which it holds", member, task).isTrue();
                        if (owner == null) {
                            owners.put(task, new TaskOwner(member, ++revision));
                            changed = true;
                        }
                    }
                }
                if (!changed) {
                    return moves;
                }
            }
        }

        private TaskPlanner.Input input(String member) {
            List<TaskPlannerTest.Task> view = new ArrayList<>();
            Map<TaskId, TaskPlanner.HeldClaim> held = new HashMap<>();
            tasks.forEach((id, notBefore) -> {
                TaskOwner owner = owners.get(id);
                if (owner != null && owner.member().equals(member)) {
                    held.put(id, new TaskPlanner.HeldClaim(owner.claimRevision(), false));
                }
                view.add(new TaskPlannerTest.Task(id, owner == null ? null : owner.member(),
                        owner == null ? 0 : owner.claimRevision(), owner == null ? 0 : 1, true, notBefore,
                        TaskOptions.DEFAULT_PRIORITY));
            });
            return new TaskPlanner.Input(member, 1, false, holdOffs.keySet(), view, held, holdOffs.get(member),
                    Integer.MAX_VALUE, 0, now, window);
        }

        private void release(TaskId task) {
            TaskOwner owner = owners.remove(task);
            holdOffs.get(owner.member()).put(task, now.plus(HOLD_OFF));
        }

        private Set<TaskId> dueTasks() {
            Set<TaskId> due = new HashSet<>();
            tasks.forEach((id, notBefore) -> {
                if (notBefore == null || !notBefore.isAfter(now.plus(window.length()))) {
                    due.add(id);
                }
            });
            return due;
        }

        private int[] holdings() {
            Map<String, Integer> held = new TreeMap<>();
            holdOffs.keySet().forEach(member -> held.put(member, 0));
            owners.values().forEach(owner -> held.merge(owner.member(), 1, Integer::sum));
            return held.values().stream().mapToInt(Integer::intValue).toArray();
        }

        private <T> T pick(List<T> values) {
            return values.get(random.nextInt(values.size()));
        }
    }
}
