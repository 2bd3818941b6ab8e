package io.meshchain.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.custom.Quantity;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.yaml.snakeyaml.Yaml;

/** The manifests in k8s/ are valid Kubernetes objects, and say what a meshchain network needs. */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");

    /** The labels of a node's pod that whatever picks out the nodes selects: not the app's name alone. */
    private static final Map<String, Object> NODE = Map.of(
            "app.kubernetes.io/name", "meshchain",
            "app.kubernetes.io/component", "node");

    /** What a client's pod carries to be let in (docs/operations.md). */
    private static final Map<String, Object> CLIENT = Map.of("meshchain.io/client", "true");

    /** The variable through which a node learns its namespace, which the ConfigMap's allowed hosts name. */
    private static final String POD_NAMESPACE = "POD_NAMESPACE";

    /** The namespace Prometheus scrapes from, by the label the control plane gives every namespace. */
    private static final Map<String, Object> MONITORING = Map.of("kubernetes.io/metadata.name", "monitoring");

    @SuppressWarnings("unchecked")
    private static List<Path> resources() throws IOException {
        Map<String, Object> kustomization = new Yaml().load(Files.readString(K8S.resolve("kustomization.yaml")));
        return ((List<String>) kustomization.get("resources")).stream().map(K8S::resolve).toList();
    }

    private static List<KubernetesManifests.Manifest> all() throws IOException {
        List<KubernetesManifests.Manifest> manifests = new ArrayList<>();
        for (Path resource : resources()) {
            manifests.addAll(KubernetesManifests.check(resource));
        }
        return manifests;
    }

    private static Map<String, Object> only(String kind, String name) throws IOException {
        return all().stream().filter(m -> m.kind().equals(kind))
                .filter(m -> name.equals(((Map<?, ?>) m.content().get("metadata")).get("name")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name)).content();
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> object, String... path) {
        Object value = object;
        for (String key : path) {
            value = key.matches("\\d+") ? ((List<Object>) value).get(Integer.parseInt(key)) : ((Map<String, Object>) value).get(key);
        }
        return value;
    }

    @Test
    void everyManifestIsAValidKubernetesObject() throws IOException {
        assertThat(all()).extracting(KubernetesManifests.Manifest::kind)
                .containsExactlyInAnyOrder("ConfigMap", "Service", "Service", "StatefulSet", "PodDisruptionBudget",
                        "NetworkPolicy");
    }

    @Test
    void kustomizationListsEveryManifestInTheFolder() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            List<Path> manifests = files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).toList();
            assertThat(resources()).containsExactlyInAnyOrderElementsOf(manifests);
        }
    }

    @Test
    void misspelledFieldIsCaught() throws IOException {
        String broken = Files.readString(K8S.resolve("statefulset.yaml")).replace("readinessProbe:", "readinesProbe:");
        assertThatThrownBy(() -> KubernetesManifests.check("statefulset.yaml", broken))
                .hasMessageContaining("readinesProbe");
    }

    @Test
    void valueOfTheWrongTypeIsCaught() throws IOException {
        String broken = Files.readString(K8S.resolve("statefulset.yaml")).replace("replicas: 3", "replicas: three");
        assertThatThrownBy(() -> KubernetesManifests.check("statefulset.yaml", broken)).isInstanceOf(AssertionError.class);
    }

    @Test
    void missingRequiredFieldIsCaught() throws IOException {
        String broken = Files.readString(K8S.resolve("statefulset.yaml")).replace("- name: meshchain\n", "- tty: false\n");
        assertThatThrownBy(() -> KubernetesManifests.check("statefulset.yaml", broken)).hasMessageContaining("name");
    }

    @Test
    void statefulSetRunsThreeNodesSafely() throws IOException {
        Map<String, Object> set = only("StatefulSet", "meshchain");
        assertThat(at(set, "spec", "replicas")).isEqualTo(3);
        assertThat(at(set, "spec", "podManagementPolicy")).isEqualTo("Parallel");
        assertThat(at(set, "spec", "serviceName")).isEqualTo("meshchain-peers");
        assertThat(at(set, "spec", "volumeClaimTemplates", "0", "metadata", "name")).isEqualTo("data");
        assertThat(at(set, "spec", "template", "spec", "terminationGracePeriodSeconds")).isEqualTo(30);
        assertThat(at(set, "spec", "template", "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
        Map<String, Object> container = (Map<String, Object>) at(set, "spec", "template", "spec", "containers", "0");
        // On the management port, whose threads a flood of clients on the node's port cannot take.
        for (String probe : List.of("livenessProbe", "startupProbe", "readinessProbe")) {
            assertThat(at(container, probe, "httpGet", "port")).as(probe).isEqualTo(managementPortName());
        }
        assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/actuator/health/readiness");
        assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/actuator/health/liveness");
        assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(at(container, "resources", "limits", "memory")).isNotNull();
        assertThat(at(container, "resources", "requests", "cpu")).isNotNull();
        assertThat(at(set, "spec", "template", "metadata", "annotations", "prometheus.io/path")).isEqualTo("/actuator/prometheus");
    }

    /** Losing a machine loses one node where the cluster has machines enough; with fewer, the nodes still start. */
    @Test
    void nodesSpreadOverMachinesWithoutRefusingToStart() throws IOException {
        Map<String, Object> spread = (Map<String, Object>) at(only("StatefulSet", "meshchain"), "spec", "template", "spec",
                "topologySpreadConstraints", "0");
        assertThat(at(spread, "topologyKey")).isEqualTo("kubernetes.io/hostname");
        assertThat(at(spread, "whenUnsatisfiable")).isEqualTo("ScheduleAnyway");
        assertThat(at(spread, "maxSkew")).isEqualTo(1);
        assertThat(at(spread, "labelSelector", "matchLabels")).isEqualTo(NODE);
    }

    /** The volume holds millions of blocks of five transactions (0.83 GB per million, and a tenth more to compact). */
    @Test
    void ledgerVolumeHoldsMillionsOfBlocks() throws IOException {
        String size = (String) at(only("StatefulSet", "meshchain"), "spec", "volumeClaimTemplates", "0", "spec", "resources",
                "requests", "storage");
        assertThat(size).matches("\\d+Gi");
        long blocks = Long.parseLong(size.replace("Gi", "")) * (1L << 30) * 10 / 11 / 830;
        assertThat(blocks).as("blocks of five transactions that fit").isGreaterThanOrEqualTo(4_000_000);
    }

    @Test
    void nodePodsGetNoServiceAccountToken() throws IOException {
        assertThat(at(only("StatefulSet", "meshchain"), "spec", "template", "spec", "automountServiceAccountToken"))
                .isEqualTo(false);
    }

    @Test
    void tmpIsAnEmptyDirLimitedInSizeThatHoldsTheRocksDbLibraryTwice() throws IOException {
        Map<String, Object> pod = (Map<String, Object>) at(only("StatefulSet", "meshchain"), "spec", "template", "spec");
        String volume = ((List<Map<String, Object>>) at(pod, "containers", "0", "volumeMounts")).stream()
                .filter(mount -> "/tmp".equals(mount.get("mountPath"))).map(mount -> (String) mount.get("name"))
                .findFirst().orElseThrow(() -> new AssertionError("nothing is mounted at /tmp"));
        Map<String, Object> tmp = ((List<Map<String, Object>>) pod.get("volumes")).stream()
                .filter(v -> volume.equals(v.get("name"))).findFirst().orElseThrow();
        Map<String, Object> emptyDir = (Map<String, Object>) tmp.get("emptyDir");
        assertThat(emptyDir).as("the emptyDir mounted at /tmp").isNotNull().containsKey("sizeLimit");

        // The node extracts RocksDB's native library into /tmp at every start (BlockIndex); a start
        // killed before deleting it leaves a copy behind, so the limit holds at least two.
        URL library = RocksDB.class.getClassLoader().getResource(Environment.getJniLibraryFileName("rocksdb"));
        assertThat(library).isNotNull();
        long librarySize = library.openConnection().getContentLengthLong();
        assertThat(librarySize).isPositive();
        assertThat(new Quantity(String.valueOf(emptyDir.get("sizeLimit"))).getNumber())
                .isGreaterThanOrEqualTo(BigDecimal.valueOf(2 * librarySize));
    }

    @Test
    void whatPicksOutTheNodesSelectsTheirComponentNotJustTheAppsName() throws IOException {
        Map<String, Object> set = only("StatefulSet", "meshchain");
        Map<String, Object> podLabels = (Map<String, Object>) at(set, "spec", "template", "metadata", "labels");
        assertThat(podLabels).containsAllEntriesOf(NODE);
        // Its own selector cannot change in place; it only has to match the pods it makes.
        assertThat(podLabels).containsAllEntriesOf((Map<String, Object>) at(set, "spec", "selector", "matchLabels"));

        assertThat(at(only("Service", "meshchain-peers"), "spec", "selector")).as("discovery").isEqualTo(NODE);
        assertThat(at(only("Service", "meshchain"), "spec", "selector")).as("the client Service").isEqualTo(NODE);
        assertThat(at(only("PodDisruptionBudget", "meshchain"), "spec", "selector", "matchLabels"))
                .as("the PodDisruptionBudget").isEqualTo(NODE);
    }

    /** The name of the node container's port that the node listens on (SERVER_PORT). */
    private static String nodePortName() throws IOException {
        Object serverPort = at(only("ConfigMap", "meshchain"), "data", "SERVER_PORT");
        List<Map<String, Object>> ports = (List<Map<String, Object>>) at(only("StatefulSet", "meshchain"),
                "spec", "template", "spec", "containers", "0", "ports");
        return ports.stream().filter(port -> String.valueOf(port.get("containerPort")).equals(serverPort))
                .map(port -> (String) port.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError("no container port is SERVER_PORT " + serverPort));
    }

    /** The name of the node container's port that actuator listens on (MANAGEMENT_SERVER_PORT). */
    private static String managementPortName() throws IOException {
        Object managementPort = at(only("ConfigMap", "meshchain"), "data", "MANAGEMENT_SERVER_PORT");
        List<Map<String, Object>> ports = (List<Map<String, Object>>) at(only("StatefulSet", "meshchain"),
                "spec", "template", "spec", "containers", "0", "ports");
        return ports.stream().filter(port -> String.valueOf(port.get("containerPort")).equals(managementPort))
                .map(port -> (String) port.get("name")).findFirst()
                .orElseThrow(() -> new AssertionError("no container port is MANAGEMENT_SERVER_PORT " + managementPort));
    }

    @Test
    void networkPolicyLetsInTheNodesAndClientsOnTheNodesPortAndMonitoringOnTheManagementPort() throws IOException {
        Map<String, Object> policy = only("NetworkPolicy", "meshchain");
        assertThat(at(policy, "spec", "podSelector", "matchLabels")).isEqualTo(NODE);
        assertThat((List<Object>) at(policy, "spec", "policyTypes")).contains("Ingress");

        List<Map<String, Object>> ingress = (List<Map<String, Object>>) at(policy, "spec", "ingress");
        assertThat(ingress).containsExactlyInAnyOrder(
                Map.of("from", List.of(Map.of("podSelector", Map.of("matchLabels", NODE)),
                                Map.of("podSelector", Map.of("matchLabels", CLIENT))),
                        "ports", List.of(Map.of("protocol", "TCP", "port", nodePortName()))),
                Map.of("from", List.of(Map.of("namespaceSelector", Map.of("matchLabels", MONITORING))),
                        "ports", List.of(Map.of("protocol", "TCP", "port", managementPortName()))));
    }

    @Test
    void networkPolicyLetsTheNodesReachOnlyDnsAndEachOther() throws IOException {
        Map<String, Object> policy = only("NetworkPolicy", "meshchain");
        assertThat((List<Object>) at(policy, "spec", "policyTypes")).contains("Egress");
        assertThat((List<Object>) at(policy, "spec", "egress")).containsExactlyInAnyOrder(
                Map.of("ports", List.of(Map.of("protocol", "UDP", "port", 53), Map.of("protocol", "TCP", "port", 53))),
                Map.of("to", List.of(Map.of("podSelector", Map.of("matchLabels", NODE))),
                        "ports", List.of(Map.of("protocol", "TCP", "port", nodePortName()))));
    }

    @Test
    void peersServiceIsHeadlessAndPublishesStartingNodes() throws IOException {
        Map<String, Object> peers = only("Service", "meshchain-peers");
        assertThat(at(peers, "spec", "clusterIP")).isEqualTo("None");
        assertThat(at(peers, "spec", "publishNotReadyAddresses")).isEqualTo(true);
    }

    @Test
    void configMapValuesAreStringsThatBindToTheNodesSettings() throws IOException {
        Map<String, Object> data = (Map<String, Object>) at(only("ConfigMap", "meshchain"), "data");
        assertThat(data.values()).allSatisfy(value -> assertThat(value).isInstanceOf(String.class));

        StandardEnvironment environment = new StandardEnvironment();
        MutablePropertySources sources = environment.getPropertySources();
        sources.remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        sources.remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        Map<String, Object> podEnvironment = new HashMap<>(data);
        podEnvironment.put("HOSTNAME", "meshchain-0");
        podEnvironment.put(POD_NAMESPACE, "ledger");
        sources.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                podEnvironment));
        for (PropertySource<?> source : new YamlPropertySourceLoader()
                .load("application.yml", new FileSystemResource("application.yml"))) {
            sources.addLast(source);
        }
        Binder binder = Binder.get(environment);

        MeshchainProperties properties = binder.bind("meshchain", MeshchainProperties.class).get();
        assertThat(properties.nodeId()).isEqualTo("meshchain-0");
        assertThat(properties.discovery().dns()).isEqualTo("meshchain-peers");
        assertThat(properties.storage().path()).isEqualTo(Path.of("/data"));
        assertThat(binder.bind("server.address", String.class).get()).isEqualTo("0.0.0.0");
        // Clients reach the nodes through the client Service, by any of its names (operations.md).
        assertThat(properties.http().allowedHosts()).containsExactly("meshchain", "meshchain.ledger",
                "meshchain.ledger.svc", ".ledger.svc.cluster.local");
    }

    @Test
    void nodesKnowTheirNamespaceForTheNamesTheyAnswerTo() throws IOException {
        List<Map<String, Object>> env = (List<Map<String, Object>>) at(only("StatefulSet", "meshchain"),
                "spec", "template", "spec", "containers", "0", "env");
        assertThat(env).contains(Map.of("name", POD_NAMESPACE,
                "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.namespace"))));
    }
}
