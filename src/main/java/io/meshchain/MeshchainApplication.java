package io.meshchain;

import io.meshchain.cli.ChainExport;
import io.meshchain.cli.ChainImport;
import io.meshchain.cli.Client;
import java.util.Arrays;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;
import sun.misc.Signal;

/**
 * One meshchain node: a ledger, a miner, and a heartbeat that keeps it in step with its peers.
 * <p>
 * {@code java -jar meshchain.jar client ...} runs the command-line client instead ({@link Client});
 * {@code export --to FILE} writes a running node's chain to a file ({@link ChainExport}), and
 * {@code import --from FILE} reads one into a stopped node's data directory ({@link ChainImport}).
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
        if (args.length > 0 && args[0].equals("client")) {
            // The seed's client: talks to a node over HTTP, starts no Spring context, so it answers fast.
            System.exit(Client.run(Arrays.copyOfRange(args, 1, args.length), System.in, System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("export")) {
            // A running node's chain to a file, over HTTP: a backup that does not stop the node.
            System.exit(ChainExport.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        if (args.length > 0 && args[0].equals("import")) {
            // Such a file into a stopped node's data directory, every block checked: a restore.
            System.exit(ChainImport.run(MeshchainApplication.class, Arrays.copyOfRange(args, 1, args.length), System.out,
                    System.err));
        }
        ConfigurableApplicationContext context = SpringApplication.run(MeshchainApplication.class, args);
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> System.exit(SpringApplication.exit(context)));
        }
    }
}
