package io.meshchain.api;

import io.meshchain.system.MeshchainProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import tools.jackson.databind.json.JsonMapper;

/**
 * The check of the Host header ({@link HostHeaderFilter}), declared here rather than as a component:
 * it needs the node's settings, which controller slice tests do not bind.
 */
@Configuration(proxyBeanMethods = false)
class HostCheckConfiguration {

    /**
     * Before every filter that reads the request (forms, the request context, the node's own), and
     * after only the character encoding and the HTTP observation: refusals are timed and counted in
     * {@code http_server_requests_seconds} like any answer.
     */
    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Bean
    FilterRegistrationBean<HostHeaderFilter> hostHeaderFilter(MeshchainProperties properties, JsonMapper json) {
        FilterRegistrationBean<HostHeaderFilter> registration = new FilterRegistrationBean<>(
                new HostHeaderFilter(AllowedHosts.of(properties, AllowedHosts.machineName()), json));
        registration.setOrder(ORDER);
        return registration;
    }
}
