package dev.baton.chaos.linear;

import dev.baton.chaos.linear.RegisterOp.Kind;
import dev.baton.chaos.linear.RegisterOp.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generates histories that are linearizable by construction: clients on several processes run
 * operations one after another, each takes effect atomically at a random instant inside its
 * interval (an UNKNOWN one maybe much later, maybe never; a FAILED one never), and every result
 * is what the registers held at that instant. Values are unique.
 */
final class SimulatedRegister {

    private final Random random;
    private final int keys;
    private final int processes;
    private final long maxDuration;
    private final double unknownRate;
    private final double failedRate;

    SimulatedRegister(Random random, int keys, int processes, long maxDuration, double unknownRate, double failedRate) {
        this.random = random;
        this.keys = keys;
        this.processes = processes;
        this.maxDuration = maxDuration;
        this.unknownRate = unknownRate;
        this.failedRate = failedRate;
    }

    private record Planned(int index, String process, String key, Kind kind, String value, String expected,
            long invoked, long completed, Outcome outcome, long effectAt) {
    }

    List<RegisterOp> history(int operations) {
        long[] clock = new long[processes];
        Map<String, List<String>> written = new HashMap<>();
        List<Planned> planned = new ArrayList<>();
        for (int i = 0; i < operations; i++) {
            int process = random.nextInt(processes);
            String key = "k" + random.nextInt(keys);
            long invoked = clock[process] + 1 + random.nextInt(20);
            long completed = invoked + random.nextLong(maxDuration + 1);
            clock[process] = completed;
            Kind kind = Kind.values()[random.nextInt(3)];
            String value = kind == Kind.GET ? null : "v" + i;
            String expected = kind == Kind.CAS ? expectedFor(written.getOrDefault(key, List.of())) : null;
            if (value != null) {
                written.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
            double roll = random.nextDouble();
            Outcome outcome = roll < unknownRate ? Outcome.UNKNOWN : roll < unknownRate + failedRate ? Outcome.FAILED : Outcome.OK;
            long effectAt = switch (outcome) {
                case OK -> invoked + random.nextLong(completed - invoked + 1);
                case UNKNOWN -> random.nextBoolean() ? invoked + random.nextLong(10 * maxDuration + 1) : Long.MAX_VALUE;
                case FAILED -> Long.MAX_VALUE;
            };
            planned.add(new Planned(i, "p" + process, key, kind, value, expected, invoked, completed, outcome, effectAt));
        }
        return apply(planned);
    }

    /** Mostly the latest value written, so that many CASes swap; sometimes an older one or absent. */
    private String expectedFor(List<String> written) {
        if (written.isEmpty() || random.nextInt(8) == 0) {
            return null;
        }
        return random.nextBoolean() ? written.get(written.size() - 1) : written.get(random.nextInt(written.size()));
    }

    private static List<RegisterOp> apply(List<Planned> planned) {
        List<Planned> byEffect = new ArrayList<>(planned);
        byEffect.sort(Comparator.comparingLong(Planned::effectAt));
        Map<String, String> registers = new HashMap<>();
        String[] observed = new String[planned.size()];
        for (Planned op : byEffect) {
            if (op.effectAt() == Long.MAX_VALUE) {
                break;
            }
            String state = registers.get(op.key());
            switch (op.kind()) {
                case PUT -> registers.put(op.key(), op.value());
                case GET -> observed[op.index()] = state;
                case CAS -> {
                    boolean swapped = Objects.equals(state, op.expected());
                    if (swapped) {
                        registers.put(op.key(), op.value());
                    }
                    observed[op.index()] = Boolean.toString(swapped);
                }
            }
        }
        List<RegisterOp> history = new ArrayList<>(planned.size());
        for (Planned op : planned) {
            boolean ok = op.outcome() == Outcome.OK;
            history.add(new RegisterOp(op.process(), op.key(), op.kind(), op.value(), op.expected(), op.invoked(),
                    op.completed(), op.outcome(), ok ? observed[op.index()] : null));
        }
        return history;
    }

    /**
     * The same history with one OK GET changed to read a value it cannot have read: one nobody
     * wrote, one whose every write began after the GET returned, or one overwritten before the
     * GET began (a write completed, then another write completed, then the GET was invoked).
     * Returns the index of the changed GET, or -1 when the history has none to change.
     */
    static int mutateOneRead(List<RegisterOp> history, Random random) {
        List<Integer> reads = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            RegisterOp op = history.get(i);
            if (op.kind() == Kind.GET && op.outcome() == Outcome.OK) {
                reads.add(i);
            }
        }
        if (reads.isEmpty()) {
            return -1;
        }
        int index = reads.get(random.nextInt(reads.size()));
        RegisterOp read = history.get(index);
        List<String> impossible = new ArrayList<>();
        impossible.add("never-written");
        List<RegisterOp> writes = new ArrayList<>();
        for (RegisterOp op : history) {
            if (op.key().equals(read.key()) && op.outcome() == Outcome.OK
                    && (op.kind() == Kind.PUT || op.kind() == Kind.CAS && op.swapped())) {
                writes.add(op);
            }
            if (op.key().equals(read.key()) && op.value() != null && op.invokedNanos() > read.completedNanos()) {
                impossible.add(op.value());
            }
        }
        for (RegisterOp older : writes) {
            for (RegisterOp newer : writes) {
                if (older.completedNanos() < newer.invokedNanos() && newer.completedNanos() < read.invokedNanos()) {
                    impossible.add(older.value());
                }
            }
        }
        history.set(index, Ops.observing(read, impossible.get(random.nextInt(impossible.size()))));
        return index;
    }
}
