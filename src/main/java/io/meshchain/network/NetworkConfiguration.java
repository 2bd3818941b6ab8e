package io.meshchain.network;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** The thread pool for calls to peers, apart from request threads, so a slow peer never holds up a client. */
@Configuration(proxyBeanMethods = false)
class NetworkConfiguration {

    /** Threads for peer calls: relays, heartbeats and syncs run side by side. */
    static final int PEER_THREADS = 16;
    /** Peer calls waiting for a thread; beyond this, relays are dropped (blocks still carry them). */
    static final int PEER_QUEUE = 10_000;

    @Bean(name = "peerCalls")
    ThreadPoolTaskExecutor peerCalls() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("peer-");
        executor.setCorePoolSize(PEER_THREADS);
        executor.setMaxPoolSize(PEER_THREADS);
        executor.setQueueCapacity(PEER_QUEUE);
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }
}
