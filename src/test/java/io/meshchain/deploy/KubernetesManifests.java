package io.meshchain.deploy;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Checks Kubernetes manifests offline against the Kubernetes API's schema, as carried by the
 * official Java client's models (generated from the API's OpenAPI document): an unknown or
 * misspelled field, a missing required field or a value of the wrong type is an error.
 */
final class KubernetesManifests {

    /** The kinds our manifests use, by apiVersion and kind, with the API model that checks them. */
    private static final Map<String, Class<?>> MODELS = Map.of(
            "apps/v1 StatefulSet", V1StatefulSet.class,
            "v1 Service", V1Service.class,
            "v1 ConfigMap", V1ConfigMap.class,
            "policy/v1 PodDisruptionBudget", V1PodDisruptionBudget.class,
            "networking.k8s.io/v1 NetworkPolicy", V1NetworkPolicy.class);

    private static final Gson GSON = new Gson();

    /** A manifest document, parsed. */
    record Manifest(String source, String kind, Map<String, Object> content) {
    }

    private KubernetesManifests() {
    }

    /** Parses every document of {@code yaml} and checks it against its kind's schema. */
    static List<Manifest> check(String source, String yaml) {
        List<Manifest> manifests = new ArrayList<>();
        for (Object document : new Yaml().loadAll(yaml)) {
            if (document == null) {
                continue;
            }
            if (!(document instanceof Map<?, ?> map)) {
                throw new AssertionError(source + ": a manifest must be a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> content = (Map<String, Object>) map;
            String key = content.get("apiVersion") + " " + content.get("kind");
            Class<?> model = MODELS.get(key);
            if (model == null) {
                throw new AssertionError(source + ": no schema for " + key);
            }
            validate(source, model, GSON.toJsonTree(content));
            manifests.add(new Manifest(source, String.valueOf(content.get("kind")), content));
        }
        return manifests;
    }

    static List<Manifest> check(Path file) throws IOException {
        return check(file.toString(), Files.readString(file));
    }

    private static void validate(String source, Class<?> model, JsonElement json) {
        try {
            Method validate = model.getMethod("validateJsonElement", JsonElement.class);
            validate.invoke(null, json);
            Method fromJson = model.getMethod("fromJson", String.class);
            fromJson.invoke(null, json.toString());
        } catch (InvocationTargetException e) {
            throw new AssertionError(source + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the Kubernetes model " + model + " cannot validate", e);
        }
    }
}
