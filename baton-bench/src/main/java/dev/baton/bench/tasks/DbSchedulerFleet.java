package dev.baton.bench.tasks;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * db-scheduler instances in this JVM on one PostgreSQL database, each with its own connection
 * pool, all able to run one no-op one-time task. Every successful completion (the task ran and
 * its row was deleted) is counted and the latest is timed. Built stopped; {@link #start()}
 * releases them.
 */
final class DbSchedulerFleet implements AutoCloseable {
    static final String TABLE_DDL = "dbscheduler/scheduled_tasks.sql";
    /** Connections a scheduler uses besides its execution threads: the poller and housekeeping. */
    private static final int EXTRA_CONNECTIONS = 2;
    /** A scheduler's next fetch starts once this fraction of its threads is free. */
    private static final double LOWER_LIMIT_FRACTION_OF_THREADS = 0.5;
    /** A fetch picks up to this fraction of the scheduler's threads. */
    private static final double UPPER_LIMIT_FRACTION_OF_THREADS = 1.0;
    private static final String TASK = "bench-noop";
    private static final String MAVEN_PROPERTIES =
            "META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties";
    private static final int SCHEDULE_BATCH = 1000;
    private static final Duration SHUTDOWN_MAX_WAIT = Duration.ofSeconds(10);

    private final OneTimeTask<Void> task = Tasks.oneTime(TASK).execute((instance, context) -> {
    });
    private final HikariDataSource client;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<Scheduler> schedulers = new ArrayList<>();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicLong lastNanos = new AtomicLong();
    private boolean started;

    /**
     * {@code instances} schedulers of {@code threads} execution threads each, polling every
     * {@code pollingInterval} with the lock-and-fetch strategy ({@code SELECT ... FOR UPDATE
     * SKIP LOCKED}), on the database at {@code jdbcUrl}.
     */
    DbSchedulerFleet(String jdbcUrl, String user, int instances, int threads, Duration pollingInterval) {
        this.client = pool(jdbcUrl, user, "bench-db-client", 2);
        AbstractSchedulerListener counter = new AbstractSchedulerListener() {
            @Override
            public void onExecutionComplete(ExecutionComplete complete) {
                if (complete.getResult() == ExecutionComplete.Result.OK) {
                    lastNanos.set(System.nanoTime());
                    completed.incrementAndGet();
                }
            }
        };
        try {
            for (int i = 1; i <= instances; i++) {
                HikariDataSource pool = pool(jdbcUrl, user, "bench-db-s" + i, threads + EXTRA_CONNECTIONS);
                pools.add(pool);
                schedulers.add(Scheduler.create(pool, task)
                        .schedulerName(new SchedulerName.Fixed("s" + i))
                        .threads(threads)
                        .pollingInterval(pollingInterval)
                        .pollUsingLockAndFetch(LOWER_LIMIT_FRACTION_OF_THREADS, UPPER_LIMIT_FRACTION_OF_THREADS)
                        .shutdownMaxWait(SHUTDOWN_MAX_WAIT)
                        .addSchedulerListener(counter)
                        .build());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private static HikariDataSource pool(String jdbcUrl, String user, String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    /** Creates db-scheduler's table and indexes from the benchmark's DDL, unless they exist. */
    void createTableIfAbsent() throws SQLException {
        try (Connection connection = client.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : SqlScript.resource(TABLE_DDL)) {
                statement.execute(sql);
            }
        }
    }

    /** Schedules {@code count} executions {@code <prefix>-00000}..., due now, in batches. */
    void schedule(String prefix, int count) {
        SchedulerClient scheduling = SchedulerClient.Builder.create(client, task).build();
        Instant now = Instant.now();
        List<TaskInstance<?>> batch = new ArrayList<>(SCHEDULE_BATCH);
        for (int i = 0; i < count; i++) {
            batch.add(task.instance(String.format("%s-%05d", prefix, i)));
            if (batch.size() == SCHEDULE_BATCH || i == count - 1) {
                scheduling.scheduleBatch(batch, now);
                batch.clear();
            }
        }
    }

    /**
     * {@code db-scheduler <version> on PostgreSQL <version>}, from db-scheduler's Maven metadata
     * and the server's own answer.
     */
    String versions() throws SQLException {
        Properties maven = new Properties();
        try (InputStream in = Scheduler.class.getClassLoader().getResourceAsStream(MAVEN_PROPERTIES)) {
            if (in != null) {
                maven.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MAVEN_PROPERTIES, e);
        }
        try (Connection connection = client.getConnection()) {
            return ("db-scheduler " + maven.getProperty("version", "")).strip() + " on PostgreSQL "
                    + connection.getMetaData().getDatabaseProductVersion();
        }
    }

    /** Rows left in the table: executions not yet completed. */
    long remaining() throws SQLException {
        try (Connection connection = client.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT count(*) FROM scheduled_tasks")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Starts every scheduler. */
    synchronized void start() {
        started = true;
        schedulers.forEach(Scheduler::start);
    }

    /** Successful completions so far. */
    int completed() {
        return completed.get();
    }

    /** When the latest completion was counted ({@link System#nanoTime()}); 0 before the first. */
    long lastNanos() {
        return lastNanos.get();
    }

    /** Stops the schedulers (each waits at most {@code SHUTDOWN_MAX_WAIT} for its executions), then the pools. */
    @Override
    public synchronized void close() {
        if (started) {
            schedulers.forEach(Scheduler::stop);
            started = false;
        }
        pools.forEach(HikariDataSource::close);
        client.close();
    }
}
