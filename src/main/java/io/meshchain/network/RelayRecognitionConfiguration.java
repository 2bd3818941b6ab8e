package io.meshchain.network;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The recognition of peers' relays ({@link RelayRecognitionFilter}), declared here rather than as a
 * component: it needs the peer directory, which controller slice tests do not have.
 */
@Configuration(proxyBeanMethods = false)
class RelayRecognitionConfiguration {

    @Bean
    FilterRegistrationBean<RelayRecognitionFilter> relayRecognitionFilter(RelayTokens tokens, PeerDirectory directory) {
        FilterRegistrationBean<RelayRecognitionFilter> registration = new FilterRegistrationBean<>(
                new RelayRecognitionFilter(tokens, directory));
        registration.setOrder(RelayRecognitionFilter.ORDER);
        return registration;
    }
}
