package io.meshchain.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Lets slice tests in other packages import the node's strict JSON settings, which are package-private. */
@Configuration(proxyBeanMethods = false)
@Import(JsonConfiguration.class)
public class JsonConfigurationAccess {
}
