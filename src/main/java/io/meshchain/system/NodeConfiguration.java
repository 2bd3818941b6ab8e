package io.meshchain.system;

import io.meshchain.ledger.LedgerParameters;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans every feature shares: the clock and the ledger's rules, taken from the node's properties. */
@Configuration(proxyBeanMethods = false)
class NodeConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    LedgerParameters ledgerParameters(MeshchainProperties properties) {
        return new LedgerParameters(properties.mining().difficulty(), properties.block().maxTransactions(),
                properties.block().maxWait(), properties.pool().capacity(), properties.storage().verify(),
                properties.pool().senderLimit(), properties.pool().targetWait(),
                properties.transactions().signatures() == MeshchainProperties.SignaturePolicy.REQUIRED,
                properties.sync().maxReorgDepth(), properties.block().interval());
    }
}
