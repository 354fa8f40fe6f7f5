package dev.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.tasks.MemberCommand;
import dev.baton.tasks.NoSuchTaskException;
import dev.baton.tasks.TaskClient;
import dev.baton.tasks.TaskCommand;
import dev.baton.tasks.TaskId;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.Locale;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's web dashboard: one static page ({@code /}), the fleet as JSON ({@code /api/fleet}:
 * members, leader, task counts and allocator items, but no task list), the tasks a page at a time
 * ({@code /api/tasks}, filtered and paged on the server) and counted by state
 * ({@code /api/tasks/counts}), recent events ({@code /api/events}), a server-sent event stream that
 * pushes every event and the fleet after each change ({@code /api/stream}), and Prometheus metrics
 * ({@code /metrics}).
 * Read-only unless started with a token: then {@code POST /api/tasks/<id>/<command>} (pause,
 * resume, stop, kill) sends a task command, {@code POST /api/tasks/<id>/retry} requeues a failed or
 * killed task, and {@code POST /api/members/<name>/<command>}
 * (freeze, unfreeze, balance, release/<task>) a member command, for requests carrying
 * {@code Authorization: Bearer <token>}. A browser never adds that header to a cross-site request
 * on its own, and a request whose {@code Origin} is not this dashboard is refused as well, so
 * another site cannot act through a logged-in page. The token is never echoed or logged.
 *
 * <p>Bound to a loopback address (the default), the dashboard answers only requests whose
 * {@code Host} names a loopback address, so a web page cannot read it through a DNS name
 * rebound to 127.0.0.1. Bound to any other address it serves everyone who reaches it and logs a
 * warning saying so.
 */
final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fleet pushes are coalesced to at most one per this many milliseconds. */
    private static final long PUSH_MILLIS = 250;
    /**
     * The page with what it embeds (the fleet, recent events, a page of tasks) stays under this:
     * its task rows take what the rest leaves, down to a single row.
     */
    private static final int MAX_HTML_BYTES = 240 * 1024;
    /** The most recent events served at once ({@code /api/events}, the page) take at most this. */
    private static final int MAX_EVENTS_BYTES = 64 * 1024;

    private final HttpServer server;
    private final FleetView fleet;
    private final Etcd etcd;
    private final ExecutorService requests;
    private final ScheduledExecutorService pusher;
    private final List<OutputStream> streams = new CopyOnWriteArrayList<>();
    private final AtomicInteger pendingPush = new AtomicInteger();
    private final Optional<String> token;
    private final TaskClient tasks;
    private volatile boolean closed;

    private Dashboard(Etcd etcd, String namespace, HostAndPort address, Optional<String> token, FleetMetrics metrics)
            throws IOException {
        this.etcd = etcd;
        this.token = token;
        this.tasks = TaskClient.create(etcd, namespace);
        this.fleet = FleetView.start(etcd, namespace, metrics);
        AtomicInteger threads = new AtomicInteger();
        this.requests = Executors.newCachedThreadPool(r -> daemon(r, "baton-dashboard-" + threads.incrementAndGet()));
        this.pusher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "baton-dashboard-push"));
        this.server = HttpServer.create(new InetSocketAddress(address.host(), address.port()), 0);
        server.setExecutor(requests);
        boolean loopback = EmbeddedEtcd.isLoopback(address.host());
        serve("/", this::page, loopback);
        serve("/api/fleet", exchange -> send(exchange, 200, "application/json", fleet.snapshot().toString()), loopback);
        serve("/api/events", exchange -> send(exchange, 200, "application/json", eventsJson().toString()), loopback);
        serve("/api/stream", this::stream, loopback);
        serve("/api/tasks", this::tasks, loopback);
        serve("/api/members/", this::memberCommand, loopback);
        serve("/metrics", exchange -> send(exchange, 200, "text/plain; version=0.0.4",
                metrics.scrape(fleet.tasksByState(), fleet.heldByMember())), loopback);
        fleet.addListener(this::pushEvent);
        // The first fleet builds the allocator's grid and reads the schedules, which later ones reuse
        // until they change: built here, it does not delay the first page.
        fleet.snapshot();
        server.start();
        // The page is built once more off the request path, so that the first visitor does not wait
        // while the code that builds it is loaded, interpreted and compiled: with 100,000 tasks that
        // first build took several times the CPU of the next ones, and on a loaded machine seconds.
        pusher.execute(() -> {
            try {
                html(null);
            } catch (IOException | RuntimeException e) {
                LOG.debug("building the page ahead of its first request failed", e);
            }
        });
        if (!loopback) {
            LOG.warn("the dashboard listens on {}, which is not a loopback address: everyone who reaches it can see "
                    + "the fleet, its tasks and their output", address.host());
        }
    }

    /** Serves {@code path}; on a loopback address only for requests whose Host is a loopback name. */
    private void serve(String path, HttpHandler handler, boolean loopback) {
        server.createContext(path, exchange -> {
            if (loopback && !isLoopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 403, "text/plain", "this dashboard answers only requests addressed to a loopback address");
                return;
            }
            handler.handle(exchange);
        });
    }

    /** True for a {@code Host} header naming localhost, 127.x.x.x or [::1], with any port. */
    static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']')))
                : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
        return name.equalsIgnoreCase("localhost") || name.equals("::1") || name.matches("127(\\.\\d{1,3}){3}");
    }

    private static Thread daemon(Runnable r, String name) {
        Thread thread = new Thread(r, name);
        thread.setDaemon(true);
        return thread;
    }

    /**
     * Serves the dashboard of {@code namespace} on {@code address}; owns {@code etcd} from now on.
     *
     * @param token enables the task commands of the JSON API for requests that carry it
     */
    static Dashboard start(Etcd etcd, String namespace, HostAndPort address, Optional<String> token,
                           FleetMetrics metrics) {
        try {
            return new Dashboard(etcd, namespace, address, token, metrics);
        } catch (IOException e) {
            etcd.close();
            throw new CommandFailure("cannot serve the dashboard on " + address.host() + ":" + address.port()
                    + ": " + e.getMessage(), e);
        }
    }

    /** The page's address, e.g. {@code http://127.0.0.1:7070/}. */
    String url() {
        InetSocketAddress bound = server.getAddress();
        return "http://" + bound.getHostString() + ":" + bound.getPort() + "/";
    }

    FleetView fleet() {
        return fleet;
    }

    /**
     * {@code GET /api/tasks?...} (a page, see {@link TaskQuery}), {@code GET /api/tasks/counts}, and
     * {@code POST /api/tasks/<id>/<command>}.
     */
    private void tasks(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/api/tasks") || path.equals("/api/tasks/counts")) {
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, "text/plain", "use GET");
            } else if (path.equals("/api/tasks/counts")) {
                send(exchange, 200, "application/json", fleet.counts().toString());
            } else {
                taskPage(exchange);
            }
        } else if (path.startsWith("/api/tasks/")) {
            taskCommand(exchange);
        } else {
            send(exchange, 404, "text/plain", "not found: " + path);
        }
    }

    private void taskPage(HttpExchange exchange) throws IOException {
        TaskQuery query;
        try {
            query = TaskQuery.parse(exchange.getRequestURI().getRawQuery());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", e.getMessage());
            return;
        }
        send(exchange, 200, "application/json", fleet.tasks(query).toString());
    }

    /**
     * True for a POST carrying the token from this dashboard's own origin (or from no browser);
     * otherwise answers why not and returns false.
     */
    private boolean mayCommand(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, "text/plain", "use POST");
            return false;
        }
        if (token.isEmpty()) {
            send(exchange, 403, "text/plain", "this dashboard is read-only: start it with --token to allow commands");
            return false;
        }
        String authorization = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")).orElse("");
        if (!MessageDigest.isEqual(authorization.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8))) {
            send(exchange, 401, "text/plain", "missing or wrong token");
            return false;
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null && !(origin + "/").equals(url())) {
            send(exchange, 403, "text/plain", "cross-site request refused (Origin " + origin + ")");
            return false;
        }
        return true;
    }

    /** {@code POST /api/tasks/<id>/<pause|resume|stop|kill|retry>}, allowed only with the token. */
    private void taskCommand(HttpExchange exchange) throws IOException {
        if (!mayCommand(exchange)) {
            return;
        }
        String[] parts = exchange.getRequestURI().getPath().substring("/api/tasks/".length()).split("/", -1);
        if (parts.length != 2) {
            send(exchange, 404, "text/plain", "expected /api/tasks/<id>/<pause|resume|stop|kill|retry>");
            return;
        }
        if (parts[1].equals("retry")) {
            retry(exchange, parts[0]);
            return;
        }
        try {
            TaskId id = TaskId.of(parts[0]);
            TaskCommand command = TaskCommand.valueOf(parts[1].toUpperCase(Locale.ROOT));
            String key = tasks.send(id, command);
            LOG.info("dashboard sent {} to task {}", command, id.value());
            send(exchange, 202, "application/json", JSON.createObjectNode().put("command", key).toString());
        } catch (NoSuchTaskException e) {
            send(exchange, 404, "text/plain", e.getMessage());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", "bad task or command in " + exchange.getRequestURI().getPath()
                    + ": expected an id and one of pause, resume, stop, kill, retry");
        }
    }

    /** Requeues a failed or killed task (as {@code baton retry}); 409 naming why when the task is not one. */
    private void retry(HttpExchange exchange, String task) throws IOException {
        try {
            long revision = tasks.retry(TaskId.of(task));
            LOG.info("dashboard retried task {}", task);
            send(exchange, 202, "application/json", JSON.createObjectNode().put("revision", revision).toString());
        } catch (NoSuchTaskException e) {
            send(exchange, 404, "text/plain", e.getMessage());
        } catch (IllegalStateException e) {
            send(exchange, 409, "text/plain", e.getMessage());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", e.getMessage());
        }
    }

    /**
     * {@code POST /api/members/<name>/<freeze|unfreeze|balance>} and
     * {@code POST /api/members/<name>/release/<task>}, allowed only with the token. The member need
     * not be running: the command waits in the store until it is.
     */
    private void memberCommand(HttpExchange exchange) throws IOException {
        if (!mayCommand(exchange)) {
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String[] parts = path.substring("/api/members/".length()).split("/", -1);
        try {
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException("bad member command in " + path
                        + ": expected /api/members/<name>/<freeze|unfreeze|balance> or /api/members/<name>/release/<task>");
            }
            MemberCommand command = SendCommand.memberCommand(parts[1],
                    parts.length == 3 ? Optional.of(parts[2]) : Optional.empty());
            String key = tasks.send(parts[0], command);
            LOG.info("dashboard sent {} to member {}", command.name(), parts[0]);
            send(exchange, 202, "application/json", JSON.createObjectNode().put("command", key).toString());
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "text/plain", e.getMessage());
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            send(exchange, 404, "text/plain", "not found: " + exchange.getRequestURI().getPath());
            return;
        }
        send(exchange, 200, "text/html; charset=utf-8", html(exchange.getRequestURI().getRawQuery()));
    }

    /** The page, with the fleet, the recent events and the page of tasks its address asks for in it. */
    private String html(String rawQuery) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            ObjectNode initial = JSON.createObjectNode();
            initial.set("fleet", fleet.snapshot());
            initial.set("events", eventsJson());
            int used = html.getBytes(StandardCharsets.UTF_8).length + initial.toString().getBytes(StandardCharsets.UTF_8).length;
            initial.set("tasks", initialTasks(rawQuery, Math.min(TaskPages.MAX_PAGE_BYTES, MAX_HTML_BYTES - used)));
            // "</" is escaped so that no value can end the script element early.
            String embedded = initial.toString().replace("</", "<\\/");
            return html.replace("/*INITIAL*/null", embedded);
        }
    }

    /**
     * The page of tasks the page's own address asks for ({@code /?state=...}), its rows within
     * {@code maxBytes}; the first page if the address asks amiss.
     */
    private ObjectNode initialTasks(String rawQuery, int maxBytes) {
        try {
            return fleet.tasks(TaskQuery.parse(rawQuery), maxBytes);
        } catch (IllegalArgumentException e) {
            return fleet.tasks(TaskQuery.parse(null), maxBytes);
        }
    }

    /** The recent events, oldest first: the newest that fit in {@value #MAX_EVENTS_BYTES} bytes of JSON. */
    private ArrayNode eventsJson() {
        List<FleetView.Event> recent = fleet.recentEvents();
        ArrayNode newestFirst = JSON.createArrayNode();
        JsonRows.fill(newestFirst, IntStream.range(0, recent.size()).mapToObj(i -> recent.get(recent.size() - 1 - i).json())
                .iterator(), recent.size(), MAX_EVENTS_BYTES);
        ArrayNode events = JSON.createArrayNode();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            events.add(newestFirst.get(i));
        }
        return events;
    }

    private void stream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        try {
            write(out, "fleet", fleet.snapshot().toString());
            for (FleetView.Event event : fleet.recentEvents()) {
                write(out, "event", event.json().toString());
            }
            streams.add(out);
        } catch (IOException e) {
            out.close();
        }
    }

    private void pushEvent(FleetView.Event event) {
        broadcast("event", event.json().toString());
        if (pendingPush.getAndIncrement() == 0 && !closed) {
            pusher.schedule(() -> {
                pendingPush.set(0);
                if (!streams.isEmpty()) {
                    broadcast("fleet", fleet.snapshot().toString());
                }
            }, PUSH_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void broadcast(String kind, String data) {
        for (OutputStream out : streams) {
            try {
                write(out, kind, data);
            } catch (IOException e) {
                streams.remove(out);
                closeQuietly(out);
            }
        }
    }

    private static void write(OutputStream out, String kind, String data) throws IOException {
        synchronized (out) {
            out.write(("event: " + kind + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            LOG.debug("closing an event stream failed", new UncheckedIOException(e));
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        streams.forEach(Dashboard::closeQuietly);
        server.stop(0);
        pusher.shutdownNow();
        requests.shutdownNow();
        fleet.close();
        etcd.close();
    }
}
