package dev.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.etcd.Etcd;
import dev.baton.server.EmbeddedEtcd;
import dev.baton.tasks.RetentionPolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard checked in at {@code docs/grafana/baton.json} queries only series Baton
 * exports: the names in its PromQL are compared with the sample names of real scrapes, of a
 * dashboard with a worker of the same process and of the embedded store they run on.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "baton.json");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Words of PromQL that are not metric names: aggregation modifiers, set operators, keywords. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "and", "or", "unless", "inf", "nan");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void everyQueriedMetricIsOneBatonExports() throws Exception {
        Set<String> queried = queriedMetrics(new ObjectMapper().readTree(DASHBOARD.toFile()));
        Set<String> exported = new TreeSet<>();
        try (EmbeddedEtcd server = EmbeddedEtcd.builder().listen("127.0.0.1", 0).inMemory().build().start()) {
            FleetMetrics metrics = new FleetMetrics();
            String namespace = "grafana/";
            try (Dashboard dashboard = Dashboard.start(connect(server), namespace, new HostAndPort("127.0.0.1", 0),
                    Optional.empty(), metrics);
                 Worker worker = Worker.start(connect(server), namespace, new WorkerSettings("w1", "z1", 1,
                         Duration.ofSeconds(10), Duration.ofSeconds(1), RetentionPolicy.defaults(), Optional.empty()),
                         metrics)) {
                metrics.session("w1", worker.session());
                exported.addAll(sampleNames(get(dashboard.url() + "metrics")));
            }
            exported.addAll(sampleNames(get(server.endpoint() + "/metrics")));
        }

        assertThat(queried).as("metrics queried by the Grafana dashboard").isNotEmpty().isSubsetOf(exported);
        Set<String> batonFamilies = new TreeSet<>(exported);
        batonFamilies.removeIf(name -> !name.startsWith("baton_"));
        assertThat(queried).as("every Baton metric has a panel").containsAll(batonFamilies);
    }

    @Test
    void namesAreReadFromExpressionsNotFromLabelsFunctionsOrModifiers() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(etcd_disk_wal_fsync_duration_seconds_bucket"
                + "{job=~\"$store_job\",grpc_code!=\"OK\"}[$__rate_interval]))) / on (instance) group_left count("
                + "baton_member_held_tasks) > bool 2e3"))
                .containsExactly("baton_member_held_tasks", "etcd_disk_wal_fsync_duration_seconds_bucket");
        assertThat(metricNames("label_values(baton_leader_changes_total, job)")).containsExactly("baton_leader_changes_total");
    }

    @Test
    void sampleNamesIncludeTheSuffixesOfCountersAndHistograms() {
        String scrape = """
                # HELP baton_task_claims_total Task claims seen
                # TYPE baton_task_claims_total counter
                baton_task_claims_total 3.0
                # TYPE etcd_disk_wal_fsync_duration_seconds histogram
                etcd_disk_wal_fsync_duration_seconds_bucket{le="0.001"} 1
                etcd_disk_wal_fsync_duration_seconds_sum 0.0005
                etcd_disk_wal_fsync_duration_seconds_count 1
                """;
        assertThat(sampleNames(scrape)).containsExactlyInAnyOrder("baton_task_claims_total",
                "etcd_disk_wal_fsync_duration_seconds_bucket", "etcd_disk_wal_fsync_duration_seconds_sum",
                "etcd_disk_wal_fsync_duration_seconds_count");
    }

    /** The metric names of every panel's queries and of the template variables' queries. */
    private static Set<String> queriedMetrics(JsonNode dashboard) {
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.path("query").has("query")) {
                expressions.add(variable.path("query").path("query").asText());
            }
        });
        assertThat(expressions).as("queries of the dashboard").isNotEmpty();
        Set<String> names = new TreeSet<>();
        expressions.forEach(expression -> names.addAll(metricNames(expression)));
        return names;
    }

    /**
     * The metric names of one PromQL expression (or Grafana's {@code label_values(metric, label)}):
     * what remains once label matchers, ranges, strings, the label of {@code label_values} and the
     * label lists of {@code by}, {@code on} and the like are removed, minus function names
     * (a name followed by a parenthesis), keywords and numbers.
     */
    static Set<String> metricNames(String expression) {
        String bare = expression.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "")
                .replaceAll("label_values\\(([^,)]*),[^)]*\\)", "label_values($1)")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^]]*]", "")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
                .replaceAll("\\b\\d[\\w.]*", "");
        Set<String> names = new TreeSet<>();
        Matcher matcher = NAME.matcher(bare);
        while (matcher.find()) {
            String name = matcher.group();
            boolean function = bare.substring(matcher.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    /** The names of the samples of a Prometheus text exposition (with their {@code _total}, {@code _bucket}... suffixes). */
    static Set<String> sampleNames(String scrape) {
        Set<String> names = new TreeSet<>();
        scrape.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(line -> {
            Matcher matcher = NAME.matcher(line);
            if (matcher.lookingAt()) {
                names.add(matcher.group());
            }
        });
        return names;
    }

    private static Etcd connect(EmbeddedEtcd server) {
        return Etcd.builder().endpoints(server.endpoint()).build();
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
