package io.meshchain.it;

import io.meshchain.ledger.ChainFixture;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Mines the way an external miner does: {@code GET /proof} for where the block goes, the transactions
 * it chooses from the pending pool ({@code GET /transactions}), search a proof, {@code POST /proof}.
 */
final class ExternalMiner {

    record Mined(String hash, long timestamp) {
    }

    private ExternalMiner() {
    }

    /**
     * Mines a block on the node's tip.
     *
     * @param timestamp the block's timestamp, or 0 to keep the template's
     * @param include   which of the pending transactions go into the block
     */
    static Mined mine(TestNode node, long timestamp, Predicate<Transaction> include) {
        JsonNode template = node.get("/proof").json();
        List<Transaction> transactions = new ArrayList<>();
        for (JsonNode tx : node.get("/transactions?limit=1000").json().get("transactions")) {
            Transaction transaction = new Transaction(tx.get("id").asString(), tx.get("sender").asString(),
                    tx.get("content").asString(), tx.get("timestamp").asLong(),
                    tx.has("publicKey") ? tx.get("publicKey").asString() : null,
                    tx.has("signature") ? tx.get("signature").asString() : null);
            if (include.test(transaction)) {
                transactions.add(transaction);
            }
        }
        long stamp = timestamp == 0 ? template.get("timestamp").asLong() : timestamp;
        Block block = ChainFixture.mine(template.get("index").asLong(), template.get("previousHash").asString(),
                transactions, stamp, template.get("difficulty").asInt());
        String ids = transactions.stream().map(tx -> "\"" + tx.id() + "\"").collect(Collectors.joining(","));
        NodeClient.Response response = node.post("/proof", "{\"index\":" + block.index() + ",\"previousHash\":\""
                + block.previousHash() + "\",\"timestamp\":" + stamp + ",\"transactionIds\":[" + ids
                + "],\"proof\":" + block.proof() + "}");
        if (response.status() != 201) {
            throw new AssertionError("proof refused by " + node.nodeId() + ": " + response);
        }
        return new Mined(block.hash(), stamp);
    }
}
