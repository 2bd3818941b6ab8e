package io.meshchain.cli;

import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.rules.BlockRejectedException;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.ChainTip;
import io.meshchain.wire.Paging;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar meshchain.jar import --from FILE [--meshchain.storage.path=DIR ...]}: reads a chain
 * that {@code export} wrote (one block per line, from genesis) into a node's data directory, with the
 * node stopped: the ledger is opened as the node opens it, with the node's settings, and the blocks
 * are offered a page of 1,000 at a time exactly as a peer's are, every rule checked, so a file that
 * was altered, or that is another network's, is refused at the first block that is wrong. Blocks the
 * directory already holds are skipped, so an import can be run again after it was cut short; where
 * the file and the directory differ, the chain with more work stays, as between peers. Neither the
 * miner nor any peer is started.
 */
public final class ChainImport {

    static final String USAGE = "usage: java -jar meshchain.jar import --from FILE [--meshchain.storage.path=DIR ...]"
            + " (the node stopped)";

    private ChainImport() {
    }

    /**
     * Runs the import; returns the exit code: 0 done, 1 a block or the file was refused, 2 usage.
     *
     * @param application the node's application class, started without its web server to open the ledger
     */
    public static int run(Class<?> application, String[] args, PrintStream out, PrintStream err) {
        Path from = null;
        List<String> settings = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--from") && i + 1 < args.length) {
                from = Path.of(args[++i]);
            } else if (args[i].startsWith("--from=")) {
                from = Path.of(args[i].substring("--from=".length()));
            } else if (args[i].startsWith("--") && args[i].contains("=")) {
                settings.add(args[i]);
            } else {
                err.println("unknown argument " + args[i]);
                err.println(USAGE);
                return 2;
            }
        }
        if (from == null) {
            err.println(USAGE);
            return 2;
        }
        if (!Files.isReadable(from)) {
            err.println("cannot read " + from);
            return 1;
        }
        // The node's own settings, but alone: no miner, no peer, no HTTP server; and quiet but for the ledger.
        List<String> alone = List.of("--meshchain.mining.enabled=false", "--meshchain.peers=", "--meshchain.discovery.dns=",
                "--spring.main.banner-mode=off");
        settings.removeIf(setting -> alone.stream().anyMatch(forced -> setting.startsWith(forced.substring(0,
                forced.indexOf('=') + 1))));
        settings.addAll(alone);
        if (settings.stream().noneMatch(setting -> setting.startsWith("--logging.level."))) {
            settings.addAll(List.of("--logging.level.root=WARN", "--logging.level.io.meshchain.storage=INFO"));
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
                .web(WebApplicationType.NONE).run(settings.toArray(String[]::new))) {
            return read(from, context.getBean(ChainService.class), context.getBean(JsonMapper.class), out, err);
        }
    }

    private static int read(Path file, ChainService chain, JsonMapper json, PrintStream out, PrintStream err) {
        long held = 0;
        long imported = 0;
        long line = 0;
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<Block> page = new ArrayList<>(Paging.MAX_ITEMS);
            for (String text = lines.readLine(); text != null; text = lines.readLine()) {
                line++;
                Block block = json.readValue(text, Block.class);
                if (line == 1) {
                    if (block.index() != 0 || !block.hash().equals(chain.genesis().hash())) {
                        err.println(file + " is not a chain of this network: its first block is not this network's"
                                + " genesis " + chain.genesis().hash() + " (check meshchain.mining.difficulty)");
                        return 1;
                    }
                    continue;
                }
                if (page.isEmpty() && chain.hashAt(block.index()).filter(block.hash()::equals).isPresent()) {
                    held++;
                    continue;
                }
                page.add(block);
                if (page.size() == Paging.MAX_ITEMS) {
                    offer(chain, page, file);
                    imported += page.size();
                    page.clear();
                    if (imported % 100_000 == 0) {
                        out.println("  " + imported + " blocks imported");
                    }
                }
            }
            if (!page.isEmpty()) {
                offer(chain, page, file);
                imported += page.size();
            }
        } catch (JacksonException e) {
            err.println(file + ", line " + line + ": not a block (" + e.getOriginalMessage() + ")");
            return 1;
        } catch (IOException e) {
            err.println("cannot read " + file + ": " + e.getMessage());
            return 1;
        } catch (ImportRefused e) {
            err.println(e.getMessage());
            return 1;
        }
        if (line == 0) {
            err.println(file + " is empty");
            return 1;
        }
        ChainTip tip = chain.tip();
        out.println("imported " + imported + " blocks from " + file + " (" + held + " already held); the chain is at"
                + " height " + tip.height() + ", tip " + tip.hash());
        return 0;
    }

    private static void offer(ChainService chain, List<Block> page, Path file) throws ImportRefused {
        Block first = page.get(0);
        try {
            ChainService.Adoption adoption = chain.adopt(List.copyOf(page));
            String where = "blocks " + first.index() + " to " + page.get(page.size() - 1).index() + " of " + file;
            switch (adoption) {
                case ADOPTED -> {
                }
                case NOT_CONNECTED -> throw new ImportRefused(where + " do not follow the chain below them");
                case NOT_BETTER -> throw new ImportRefused(where + ": the data directory's chain has as much work or"
                        + " more from block " + first.index() + " on; nothing more imported");
                case TOO_DEEP -> throw new ImportRefused(where + " fork more than " + chain.parameters().maxReorgDepth()
                        + " blocks below the data directory's tip; import into an empty directory instead");
                default -> throw new IllegalStateException("unknown outcome " + adoption);
            }
        } catch (BlockRejectedException e) {
            throw new ImportRefused("block of " + file + " refused: " + e.getMessage());
        }
    }

    /** The import stops here; its message says why, in one line. */
    private static final class ImportRefused extends Exception {
        ImportRefused(String message) {
            super(message);
        }
    }
}
