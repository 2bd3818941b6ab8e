package io.meshchain.cli;

import io.meshchain.wire.Paging;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar meshchain.jar export --to FILE [--node URL]}: a running node's chain, from genesis
 * to the tip it had when the export began, written to FILE one block per line (the block as the
 * API gives it), a page of 1,000 blocks at a time, while the node goes on serving. {@code import}
 * ({@link ChainImport}) reads such a file into a data directory, checking every block. The file is
 * written beside FILE, forced to disk, and renamed to it once whole, so a FILE is never half a chain,
 * even after a crash of the machine.
 */
public final class ChainExport {

    static final String USAGE = "usage: java -jar meshchain.jar export --to FILE [--node URL]   (default node "
            + Client.DEFAULT_NODE + ")";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ChainExport() {
    }

    /** Runs the export; returns the exit code: 0 done, 1 the node failed or the file could not be written, 2 usage. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String node = Client.DEFAULT_NODE;
        Path to = null;
        while (!rest.isEmpty()) {
            String option = rest.remove(0);
            if (option.equals("--to") && !rest.isEmpty()) {
                to = Path.of(rest.remove(0));
            } else if (option.startsWith("--to=")) {
                to = Path.of(option.substring("--to=".length()));
            } else if (option.equals("--node") && !rest.isEmpty()) {
                node = rest.remove(0);
            } else if (option.startsWith("--node=")) {
                node = option.substring("--node=".length());
            } else {
                err.println("unknown option " + option);
                err.println(USAGE);
                return Client.USAGE_ERROR;
            }
        }
        if (to == null) {
            err.println(USAGE);
            return Client.USAGE_ERROR;
        }
        try {
            long exported = export(node.replaceAll("/+$", ""), to, out);
            out.println("exported blocks 0 to " + (exported - 1) + " to " + to);
            return Client.OK;
        } catch (ExportException e) {
            err.println(e.getMessage());
            return Client.NODE_ERROR;
        }
    }

    private static long export(String node, Path to, PrintStream out) throws ExportException {
        long tip = get(node, "/heartbeat").get("height").asLong();
        Path partial = to.resolveSibling(to.getFileName() + ".partial");
        long written = 0;
        try (BufferedWriter file = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            String previous = null;
            while (written <= tip) {
                JsonNode blocks = get(node, "/chain?from=" + written + "&limit=" + Paging.MAX_ITEMS).get("blocks");
                if (blocks == null || blocks.isEmpty()) {
                    throw new ExportException("the node at " + node + " has no block " + written + " any more");
                }
                for (JsonNode block : blocks) {
                    if (written > tip) {
                        break;
                    }
                    if (previous != null && !previous.equals(block.get("previousHash").asString())) {
                        throw new ExportException("the node's chain switched branches at block " + written
                                + " while it was exported; run the export again");
                    }
                    file.write(block.toString());
                    file.newLine();
                    previous = block.get("hash").asString();
                    written++;
                    if (written % 100_000 == 0) {
                        out.println("  " + written + " of " + (tip + 1) + " blocks");
                    }
                }
            }
            file.flush();
            // On disk before it takes FILE's name: a crash then leaves FILE whole, or as it was.
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new ExportException("cannot write " + partial + ": " + e.getMessage());
        }
        try {
            Files.move(partial, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path directory = to.toAbsolutePath().getParent();
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true); // the rename itself
            }
        } catch (IOException e) {
            throw new ExportException("cannot rename " + partial + " to " + to + ": " + e.getMessage());
        }
        return written;
    }

    private static JsonNode get(String node, String path) throws ExportException {
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(node + path).toURL().openConnection();
            connection.setConnectTimeout((int) NodeApi.CONNECT_TIMEOUT.toMillis());
            connection.setReadTimeout((int) NodeApi.READ_TIMEOUT.toMillis());
            connection.setRequestProperty("Accept", "application/json");
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new ExportException("the node at " + node + " answered " + path + " with HTTP " + status);
            }
            try (InputStream body = connection.getInputStream()) {
                return JSON.readTree(body);
            }
        } catch (IOException | IllegalArgumentException | JacksonException e) {
            throw new ExportException("cannot read " + path + " from the node at " + node + " (" + e.getMessage() + ")");
        }
    }

    /** The export cannot go on; its message says why, in one line. */
    private static final class ExportException extends Exception {
        ExportException(String message) {
            super(message);
        }
    }
}
