package dev.baton.chaos.fault;

import dev.baton.chaos.ChaosCommand;
import dev.baton.chaos.workload.ChaosWorker;
import dev.baton.chaos.workload.ResourceProbe;
import dev.baton.testkit.ChildJvm;
import dev.baton.testkit.TcpProxy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.stream.Collectors;

/**
 * The worker processes of a run. Worker {@code i} reaches every store endpoint through proxies of
 * its own, so it can be cut off alone; each start of it is a new incarnation with a new member id
 * ({@code w<i>-<n>}) and its own cache log, as a restarted process would be.
 */
public final class Fleet implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final Duration ttl;
    private final List<Slot> slots = new ArrayList<>();
    private final Map<String, Path> cacheLogs = new LinkedHashMap<>();

    private final class Slot {
        final int index;
        final List<TcpProxy> proxies;
        int incarnation;
        String member;
        ChildJvm process;

        Slot(int index, List<TcpProxy> proxies) {
            this.index = index;
            this.proxies = proxies;
        }

        /** Keeps what the incarnation printed next to its cache log, for a run that is kept. */
        void closeProcess() {
            if (process == null) {
                return;
            }
            process.close();
            List<String> output = new ArrayList<>(process.lines());
            output.addAll(process.errorLines());
            try {
                Files.write(dir.resolve(member + ".out"), output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // Only a diagnostic: the history lives in the store and the cache log.
            }
        }

        void launch() {
            member = "w" + index + "-" + incarnation++;
            Path log = dir.resolve(member + ".cache");
            cacheLogs.put(member, log);
            String endpoints = proxies.stream().map(TcpProxy::endpoint).collect(Collectors.joining(","));
            process = ChildJvm.builder(ChaosWorker.class)
                    .jvmArgs("-Xmx256m").jvmArgs(ChaosCommand.childLogging()).jvmArgs(ResourceProbe.sampledJvmArgs())
                    .args(member, "z" + index, endpoints, Long.toString(ttl.toSeconds()), log.toString())
                    .start();
        }

        void awaitReady() {
            process.awaitLine("^ready ", START_TIMEOUT);
        }
    }

    private Fleet(Path dir, Duration ttl) {
        this.dir = dir;
        this.ttl = ttl;
    }

    /** Starts {@code workers} workers on {@code store}, all at once, and waits until each is ready. */
    public static Fleet start(StoreTarget store, int workers, Duration ttl, Path dir) {
        Fleet fleet = new Fleet(dir, ttl);
        try {
            for (int i = 0; i < workers; i++) {
                List<TcpProxy> proxies = new ArrayList<>();
                for (int port : store.ports()) {
                    proxies.add(TcpProxy.start("127.0.0.1", port));
                }
                fleet.slots.add(fleet.new Slot(i, proxies));
            }
            fleet.slots.forEach(Slot::launch);
            fleet.slots.forEach(Slot::awaitReady);
            return fleet;
        } catch (RuntimeException e) {
            fleet.close();
            throw e;
        }
    }

    public int size() {
        return slots.size();
    }

    /** The member id of worker {@code i}'s current incarnation. */
    public synchronized String member(int i) {
        return slots.get(i).member;
    }

    /** kill -9 of worker {@code i}. */
    synchronized void kill(int i) {
        slots.get(i).process.kill();
    }

    /** Starts a new incarnation of worker {@code i} and waits until it is ready. */
    synchronized void restart(int i) {
        Slot slot = slots.get(i);
        slot.closeProcess();
        slot.launch();
        slot.awaitReady();
    }

    /** SIGTERM to worker {@code i}, then waits for it to leave gracefully. */
    synchronized void terminate(int i) {
        ChildJvm process = slots.get(i).process;
        process.terminate();
        process.exitCode(EXIT_TIMEOUT);
    }

    synchronized void pause(int i) {
        slots.get(i).process.pause();
    }

    synchronized void resume(int i) {
        slots.get(i).process.resume();
    }

    /** Cuts every connection of worker {@code i} to the store; new ones are reset too. */
    synchronized void cut(int i) {
        slots.get(i).proxies.forEach(TcpProxy::cut);
    }

    /** Holds the bytes worker {@code i}'s connections to the store carry in {@code direction}. */
    synchronized void freeze(int i, TcpProxy.Direction direction) {
        slots.get(i).proxies.forEach(proxy -> proxy.freeze(direction));
    }

    synchronized void heal(int i) {
        slots.get(i).proxies.forEach(TcpProxy::heal);
    }

    /**
     * Waits until every running worker has printed a line matching {@code regex}; returns their
     * member ids.
     */
    public synchronized List<String> awaitAll(String regex, Duration timeout) {
        List<String> members = new ArrayList<>();
        for (Slot slot : slots) {
            if (slot.process.isAlive()) {
                slot.process.awaitLine(regex, timeout);
                members.add(slot.member);
            }
        }
        return members;
    }

    /** The running incarnations' member ids and process ids. */
    public synchronized Map<String, Long> processes() {
        Map<String, Long> processes = new LinkedHashMap<>();
        slots.stream().filter(slot -> slot.process.isAlive())
                .forEach(slot -> processes.put(slot.member, slot.process.pid()));
        return processes;
    }

    /** Every incarnation's member id and cache log, in start order. */
    public synchronized Map<String, Path> cacheLogs() {
        return new LinkedHashMap<>(cacheLogs);
    }

    @Override
    public synchronized void close() {
        for (Slot slot : slots) {
            slot.closeProcess();
            slot.proxies.forEach(TcpProxy::close);
        }
    }
}
