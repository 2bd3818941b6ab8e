package io.meshchain.api;

import io.meshchain.system.MeshchainProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The node's load shedding, declared here rather than as a component: it needs the node's settings,
 * which controller slice tests do not bind.
 */
@Configuration(proxyBeanMethods = false)
class LoadSheddingConfiguration {

    @Bean
    FilterRegistrationBean<SubmissionLimitFilter> submissionLimitFilter(MeshchainProperties properties, JsonMapper json,
                                                                        ApplicationEventPublisher events) {
        FilterRegistrationBean<SubmissionLimitFilter> registration = new FilterRegistrationBean<>(
                new SubmissionLimitFilter(properties, json, events));
        registration.setOrder(SubmissionLimitFilter.ORDER);
        return registration;
    }
}
