package io.meshchain;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * One meshchain node: a ledger, a miner, and a heartbeat that keeps it in step with its peers.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class MeshchainApplication {

    public static void main(String[] args) {
        SpringApplication.run(MeshchainApplication.class, args);
    }
}
