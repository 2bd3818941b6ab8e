package io.meshchain.cli;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** How the client prints what a node answers: the seed's {@code pb} layout, and the rest in kind. */
final class Printer {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final PrintStream out;

    Printer(PrintStream out) {
        this.out = out;
    }

    static String date(long epochMillis) {
        return DATE.format(Instant.ofEpochMilli(epochMillis));
    }

    /** The head of the seed's {@code pb}: how many transactions are pending. */
    void pendingCount(long count) {
        out.println("Pending transactions: " + (count == 0 ? "none" : count));
    }

    /** Pending transactions, a line each, under {@link #pendingCount}. */
    void pending(List<Json> transactions) {
        for (Json tx : transactions) {
            out.println("  " + transaction(tx));
        }
    }

    /** Blocks as the seed's {@code pb} printed them, a paragraph each. */
    void blocks(List<Json> blocks) {
        for (Json block : blocks) {
            out.println();
            out.println("Block " + block.get("index").number());
            out.println("  Timestamp:     " + date(block.get("timestamp").number()));
            Json blockTransactions = block.get("transactions");
            out.println("  Transactions:  " + (blockTransactions.items().isEmpty() ? "none" : blockTransactions.items().size()));
            for (Json tx : blockTransactions.items()) {
                out.println("    " + transaction(tx));
            }
            out.println("  Proof:         " + block.get("proof").number());
            out.println("  Previous hash: " + block.get("previousHash").text());
            out.println("  Hash:          " + block.get("hash").text());
        }
    }

    private static String transaction(Json tx) {
        return tx.get("sender").text() + ": " + tx.get("content").text() + "  (" + date(tx.get("timestamp").number())
                + ", " + tx.get("id").text() + ")";
    }

    /** A transaction's standing. */
    void status(Json tx) {
        String id = tx.get("id").text();
        if ("confirmed".equals(tx.get("status").text())) {
            out.println(id + " confirmed in block " + tx.get("blockIndex").number() + " ("
                    + tx.get("confirmations").number() + " confirmations)");
        } else {
            out.println(id + " pending");
        }
    }

    /** The node's heartbeat summary and its peers. */
    void summary(Json summary) {
        out.println("Node " + summary.get("nodeId").text() + ": height " + summary.get("height").number()
                + ", tip " + summary.get("tipHash").text() + " (" + date(summary.get("tipTimestamp").number()) + ")");
        out.println("  total work " + summary.get("totalWork").text() + ", " + summary.get("pending").number()
                + " pending transactions");
        List<Json> peers = summary.get("peers").items();
        out.println("Peers: " + (peers.isEmpty() ? "none" : peers.size()));
        for (Json peer : peers) {
            String nodeId = peer.get("nodeId").isNull() ? "?" : peer.get("nodeId").text();
            String state = peer.get("reachable").bool() ? "reachable" : "unreachable";
            String height = peer.get("height").isNull() ? "height unknown" : "height " + peer.get("height").number();
            String seen = peer.get("lastSeen").isNull() ? "never seen" : "last seen " + date(peer.get("lastSeen").number());
            out.println("  " + nodeId + "  " + peer.get("url").text() + "  " + state + ", " + height + ", " + seen);
        }
    }
}
