package io.meshchain.system;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every feature shares: the clock. */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
