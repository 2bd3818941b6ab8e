package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The optional monitoring component (k8s/components/monitoring): its ServiceMonitor and
 * PrometheusRule are valid against the Prometheus Operator's API models, the ServiceMonitor finds
 * the nodes, every alert reads series that exist (the node's own, as a running node exports them,
 * and the names the StatefulSet gives its pods and volumes), and the Grafana dashboard is one Grafana
 * loads, reading series a node exports.
 * <p>
 * The models come from npm ({@code @kubernetes-models/prometheus-operator}, run by {@code node}; their
 * validation checks types and values, their TypeScript declarations the field names):
 * CI installs them beside the browser test's tools and sets {@code CI}, which makes their absence a
 * failure; elsewhere that one test is skipped without them.
 */
class MonitoringComponentIT {

    private static final Path K8S = Path.of("k8s");
    private static final Path COMPONENT = K8S.resolve("components/monitoring");
    private static final Path VALIDATOR = Path.of("src", "test", "k8s", "validate-custom-resources.mjs");
    private static final Path TOOLS = Path.of(System.getenv().getOrDefault("MESHCHAIN_BROWSER_TOOLS", "target/browser-tools"));
    private static final Pattern NODE_METRIC = Pattern.compile("\\bmeshchain_[a-z_]+\\b");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Map<String, Object> object, String... path) {
        Object value = object;
        for (String key : path) {
            value = key.matches("\\d+") ? ((List<Object>) value).get(Integer.parseInt(key)) : ((Map<String, Object>) value).get(key);
        }
        return (T) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws IOException {
        return at(load(COMPONENT.resolve("prometheusrule.yaml")), "spec", "groups", "0", "rules");
    }

    @Test
    void componentListsItsManifestsAndTheyAreValidForTheOperator() throws Exception {
        Map<String, Object> kustomization = load(COMPONENT.resolve("kustomization.yaml"));
        assertThat((String) kustomization.get("kind")).isEqualTo("Component");
        assertThat((List<String>) at(kustomization, "resources")).containsExactlyInAnyOrder("servicemonitor.yaml",
                "prometheusrule.yaml");

        String output = validate(COMPONENT.resolve("servicemonitor.yaml"), COMPONENT.resolve("prometheusrule.yaml"));
        assertThat(output).contains("ok monitoring.coreos.com/v1 ServiceMonitor meshchain",
                "ok monitoring.coreos.com/v1 PrometheusRule meshchain");
    }

    /** As for the core manifests: a misspelled field and a value of the wrong type are caught. */
    @Test
    void aMisspelledFieldOrAWrongTypeIsCaught(@TempDir Path directory) throws Exception {
        String monitor = Files.readString(COMPONENT.resolve("servicemonitor.yaml"));
        Path misspelled = Files.writeString(directory.resolve("misspelled.yaml"), monitor.replace("- port: management", "- prot: management"));
        Path wrongType = Files.writeString(directory.resolve("wrong-type.yaml"), monitor.replace("interval: 15s", "interval: 15"));

        assertThat(validateFails(misspelled)).contains("/spec/endpoints/0/prot");
        assertThat(validateFails(wrongType)).contains("interval must be string");
    }

    /** Runs the validator on the files; it must pass. Returns what it printed. */
    private static String validate(Path... files) throws Exception {
        Process validator = validator(files);
        String output = new String(validator.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(validator.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(validator.exitValue()).as(output).isZero();
        return output;
    }

    /** Runs the validator on the files; it must refuse them. Returns what it printed. */
    private static String validateFails(Path... files) throws Exception {
        Process validator = validator(files);
        String output = new String(validator.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(validator.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(validator.exitValue()).as(output).isEqualTo(1);
        return output;
    }

    private static Process validator(Path... files) throws IOException {
        Path modules = TOOLS.resolve("node_modules");
        boolean ready = Files.isDirectory(modules.resolve("@kubernetes-models/prometheus-operator"));
        if (System.getenv("CI") != null) {
            assertThat(ready).as("CI must provide @kubernetes-models/prometheus-operator in %s", TOOLS).isTrue();
        }
        assumeTrue(ready, "needs @kubernetes-models/prometheus-operator and yaml in " + TOOLS + " (see .ci/run)");
        List<String> command = new ArrayList<>(List.of("node", VALIDATOR.toString(), modules.toAbsolutePath().toString()));
        for (Path file : files) {
            command.add(file.toString());
        }
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** The ServiceMonitor selects the headless Service of the nodes, by labels it carries, on a port it names. */
    @Test
    void serviceMonitorScrapesEveryNodeThroughThePeersService() throws IOException {
        Map<String, Object> monitor = load(COMPONENT.resolve("servicemonitor.yaml"));
        Map<String, Object> peers = load(K8S.resolve("service-peers.yaml"));
        Map<String, Object> client = load(K8S.resolve("service.yaml"));
        Map<String, Object> labels = new HashMap<>(at(load(K8S.resolve("kustomization.yaml")), "labels", "0", "pairs"));
        labels.putAll(at(peers, "metadata", "labels"));
        Map<String, Object> selected = at(monitor, "spec", "selector", "matchLabels");

        assertThat(labels).containsAllEntriesOf(selected);
        Map<String, Object> clientLabels = at(client, "metadata", "labels");
        assertThat(clientLabels == null ? Map.<String, Object>of() : clientLabels).as("the client Service is not scraped twice over").doesNotContainEntry(
                "app.kubernetes.io/component", selected.get("app.kubernetes.io/component"));
        assertThat((Object) at(peers, "spec", "clusterIP")).isEqualTo("None");
        List<Map<String, Object>> ports = at(peers, "spec", "ports");
        assertThat(ports).extracting(port -> port.get("name")).as("the ports of the peers Service")
                .contains((Object) at(monitor, "spec", "endpoints", "0", "port"));
        assertThat((Object) at(monitor, "spec", "endpoints", "0", "path")).isEqualTo("/actuator/prometheus");
    }

    /** Pods are meshchain-N, volumes data-meshchain-N, and the scrape job is named after the peers Service. */
    @Test
    void alertsNameThePodsVolumesAndJobTheManifestsMake() throws IOException {
        Map<String, Object> statefulSet = load(K8S.resolve("statefulset.yaml"));
        String name = at(statefulSet, "metadata", "name");
        String claim = at(statefulSet, "spec", "volumeClaimTemplates", "0", "metadata", "name");
        String job = at(load(K8S.resolve("service-peers.yaml")), "metadata", "name");
        String expressions = String.join("\n", rules().stream().map(rule -> String.valueOf(rule.get("expr"))).toList());

        assertThat(expressions).contains("pod=~\"" + name + "-[0-9]+\"", "persistentvolumeclaim=~\"" + claim + "-" + name
                + "-[0-9]+\"", "job=\"" + job + "\"");
        assertThat(rules()).extracting(rule -> (String) rule.get("alert")).containsExactlyInAnyOrder("MeshchainNodeDown",
                "MeshchainNodeNotReady", "MeshchainPeerUnreachable", "MeshchainHeightBehindPeers", "MeshchainBlocksRejected",
                "MeshchainDiskNearlyFull");
    }

    /**
     * The Grafana dashboard is a dashboard Grafana loads: a JSON object with a title, a uid and a
     * schema version, panels with distinct ids laid out within the 24 columns of a row, each reading
     * Prometheus through the data source variable, every variable a query uses defined; and the
     * component ships it in a ConfigMap labelled for Grafana's dashboard sidecar.
     */
    @Test
    @SuppressWarnings("unchecked")
    void dashboardIsAGrafanaDashboardShippedForTheSidecar() throws IOException {
        JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(COMPONENT.resolve("dashboard.json")));
        assertThat(dashboard.isObject()).isTrue();
        assertThat(dashboard.path("title").asString()).isNotBlank();
        assertThat(dashboard.path("uid").asString()).matches("[A-Za-z0-9_-]{1,40}");
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        Set<String> variables = new LinkedHashSet<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            variables.add(variable.path("name").asString());
        }
        assertThat(variables).contains("datasource");
        JsonNode datasource = dashboard.path("templating").path("list").get(0);
        assertThat(datasource.path("type").asString()).isEqualTo("datasource");
        assertThat(datasource.path("query").asString()).isEqualTo("prometheus");

        Set<Integer> ids = new LinkedHashSet<>();
        List<String> expressions = new ArrayList<>();
        assertThat(dashboard.path("panels").size()).isPositive();
        for (JsonNode panel : dashboard.path("panels")) {
            String title = panel.path("title").asString();
            assertThat(ids.add(panel.path("id").asInt())).as("a distinct id for %s", title).isTrue();
            assertThat(panel.path("type").asString()).as(title).isIn("timeseries", "stat", "gauge", "table", "bargauge");
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("%s within a row", title).isBetween(1, 24);
            assertThat(grid.path("h").asInt()).as(title).isPositive();
            assertThat(panel.path("datasource").path("uid").asString()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets").size()).as(title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("refId").asString()).as(title).isNotBlank();
                expressions.add(target.path("expr").asString());
            }
        }
        Matcher variable = Pattern.compile("\\$(\\w+)").matcher(String.join("\n", expressions));
        while (variable.find()) {
            String name = variable.group(1);
            assertThat(name.startsWith("__") || variables.contains(name))
                    .as("$%s is a variable the dashboard defines, or one of Grafana's own", name).isTrue();
        }

        Map<String, Object> kustomization = load(COMPONENT.resolve("kustomization.yaml"));
        Map<String, Object> generator = at(kustomization, "configMapGenerator", "0");
        assertThat((List<String>) generator.get("files")).containsExactly("dashboard.json");
        assertThat((Object) at(generator, "options", "labels", "grafana_dashboard")).isEqualTo("1");
    }

    /** Every meshchain_ series an alert or the dashboard reads is one a running node exports. */
    @Test
    void alertsAndTheDashboardReadSeriesARunningNodeExports() throws IOException {
        Set<String> read = new LinkedHashSet<>();
        for (Map<String, Object> rule : rules()) {
            Matcher metric = NODE_METRIC.matcher(String.valueOf(rule.get("expr")));
            while (metric.find()) {
                read.add(metric.group());
            }
        }
        Matcher metric = NODE_METRIC.matcher(Files.readString(COMPONENT.resolve("dashboard.json")));
        while (metric.find()) {
            read.add(metric.group());
        }
        assertThat(read).isNotEmpty();
        try (TestNode node = TestNode.reserve("monitored")) {
            node.start(List.of("http://127.0.0.1:9"), "--meshchain.mining.enabled=false");
            await().atMost(Duration.ofSeconds(20)).until(() -> node.get("/actuator/prometheus").body()
                    .contains("meshchain_peer_reachable{"));
            String scrape = node.get("/actuator/prometheus").body();
            for (String series : read) {
                assertThat(scrape).as(series).containsPattern("(?m)^" + series + "[{ ]");
            }
        }
    }
}
