package io.meshchain.ledger;

import io.meshchain.system.MeshchainProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ledger's rules and limits, taken from the node's properties. */
@Configuration(proxyBeanMethods = false)
class LedgerConfiguration {

    @Bean
    LedgerParameters ledgerParameters(MeshchainProperties properties) {
        return new LedgerParameters(properties.mining().difficulty(), properties.block().maxTransactions(),
                properties.block().maxWait(), properties.pool().capacity(), properties.storage().verify(),
                properties.pool().senderLimit(), properties.pool().targetWait(),
                properties.transactions().signatures() == MeshchainProperties.SignaturePolicy.REQUIRED,
                properties.sync().maxReorgDepth(), properties.block().interval());
    }
}
