package io.meshchain.network;

import io.meshchain.system.ConfigurationException;
import io.meshchain.system.MeshchainProperties;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the seed system's peer configuration file: a first line with the number of peers, then one
 * {@code <peer-id> <port>} line per peer, all on localhost. The line naming this node itself is
 * skipped, so every node of a network can share one file.
 */
final class PeersFile {

    static final String PROPERTY = "meshchain.peers-file";
    private static final String HOST = "127.0.0.1";

    private PeersFile() {
    }

    static List<Peer> read(Path file, String selfNodeId) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw new ConfigurationException(PROPERTY, "cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty()) {
            throw new ConfigurationException(PROPERTY, file + " is empty; its first line must be the number of peers");
        }
        int count = parseNumber(lines.get(0), file, 1, "the first line must be the number of peers");
        if (lines.size() - 1 != count) {
            throw new ConfigurationException(PROPERTY, file + " announces " + count + " peers but lists "
                    + (lines.size() - 1));
        }
        List<Peer> peers = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String[] parts = lines.get(i).split("\\s+");
            if (parts.length != 2 || !parts[0].matches(MeshchainProperties.NODE_ID_PATTERN)) {
                throw new ConfigurationException(PROPERTY, file + " line " + (i + 1)
                        + " must be '<peer-id> <port>', was '" + lines.get(i) + "'");
            }
            int port = parseNumber(parts[1], file, i + 1, "the port must be a number");
            if (port < 1 || port > 65_535) {
                throw new ConfigurationException(PROPERTY, file + " line " + (i + 1) + ": port " + port
                        + " is not between 1 and 65535");
            }
            if (!parts[0].equals(selfNodeId)) {
                peers.add(new Peer(URI.create("http://" + HOST + ":" + port), parts[0]));
            }
        }
        return peers;
    }

    private static int parseNumber(String text, Path file, int line, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(PROPERTY, file + " line " + line + ": " + what + ", was '" + text + "'");
        }
    }
}
