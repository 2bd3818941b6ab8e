package io.meshchain;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * One meshchain node: a ledger, a miner, and a heartbeat that keeps it in step with its peers.
 * <p>
 * SIGTERM and SIGINT (Ctrl-C, the seed's {@code cc}) shut the node down gracefully: mining stops,
 * requests in flight finish, the ledger's files are flushed and closed, and the process exits 0,
 * as an orchestrator expects of a clean stop.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class MeshchainApplication {

    public static void main(String[] args) {
        ConfigurableApplicationContext context = SpringApplication.run(MeshchainApplication.class, args);
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> System.exit(SpringApplication.exit(context)));
        }
    }
}
