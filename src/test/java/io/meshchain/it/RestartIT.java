package io.meshchain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A node stopped and started again on its data directory is the node it was. */
class RestartIT {

    private TestNode a;
    private TestNode b;

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void restartedNodeKeepsItsChainAndPendingPool() {
        a = TestNode.reserve("a").start(List.of(), "--meshchain.mining.enabled=false");
        String mined = a.submit("gzan3055", "mined before the restart");
        ExternalMiner.Mined block = ExternalMiner.mine(a, 0, tx -> tx.id().equals(mined));
        String waiting = a.submit("gzan3055", "pending across the restart");

        a.stop();
        a.start(List.of(), "--meshchain.mining.enabled=false");

        assertThat(a.tipHash()).isEqualTo(block.hash());
        assertThat(a.status(mined)).isEqualTo("confirmed");
        assertThat(a.status(waiting)).isEqualTo("pending");
        JsonNode storage = a.get("/actuator/health").json().get("components").get("storage");
        assertThat(storage.get("status").asString()).isEqualTo("UP");
        assertThat(storage.get("details").get("recovered").get("blocks").asInt()).isEqualTo(1);
        assertThat(storage.get("details").get("recovered").get("pendingRecords").asInt()).isEqualTo(2);
        assertThat(a.summary().get("pending").asInt()).isEqualTo(1);
    }

    @Test
    void restartedNodeResumesFromItsOwnHeightAndCatchesUp() {
        a = TestNode.reserve("a");
        b = TestNode.reserve("b");
        a.start(List.of(b), true);
        b.start(List.of(a), true);
        List<String> before = List.of(a.submit("alice", "one"), a.submit("alice", "two"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                before.stream().allMatch(id -> b.status(id).equals("confirmed")));
        long heightAtStop = b.height();
        b.stop();

        String during = a.submit("alice", "while b was down");
        await().atMost(Duration.ofSeconds(30)).until(() -> a.status(during).equals("confirmed"));
        b.start(List.of(a.url()), "--meshchain.mining.enabled=true", "--meshchain.heartbeat.interval=1h");

        assertThat(b.height()).as("b starts from its stored chain").isGreaterThanOrEqualTo(heightAtStop);
        // With b's own heartbeat an hour away, a's heartbeat and announcements bring it up to date.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(b.status(during)).isEqualTo("confirmed");
            assertThat(b.tipHash()).isEqualTo(a.tipHash());
        });
    }
}
