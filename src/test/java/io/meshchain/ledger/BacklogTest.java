package io.meshchain.ledger;

import java.time.Duration;
import org.junit.jupiter.api.Test;

import static io.meshchain.ledger.ChainFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** When the pool pushes back on new transactions, and for how long it tells clients to wait. */
class BacklogTest {

    private final Backlog backlog = new Backlog(Duration.ofSeconds(30));

    @Test
    void withoutARateItRefusesOnlyOnceADueBlockIsOverdueByTheTargetWait() {
        assertThat(backlog.refusal(NOW, 100_000, 29_000)).as("nothing to project with yet").isEmpty();
        assertThat(backlog.refusal(NOW, 1, 31_000)).as("stalled: nothing confirmed for longer than the target")
                .hasValue(30);
    }

    @Test
    void theRateIsWhatTheChainConfirmedOverTheLastTenSeconds() {
        backlog.confirmed(NOW, 500);
        backlog.confirmed(NOW + 5_000, 500);
        assertThat(backlog.ratePerSecond(NOW + 10_000)).as("1,000 over ten seconds").hasValue(100);
        assertThat(backlog.ratePerSecond(NOW + 12_000)).as("the first 500 have left the window").hasValue(71);
        assertThat(backlog.ratePerSecond(NOW + 15_001)).isEmpty();
    }

    @Test
    void aBacklogBeyondTheTargetIsRefusedWhileDueBlocksAreLate() {
        backlog.confirmed(NOW, 1_000); // 100 tx/s once the span is ten seconds
        long now = NOW + 10_000 - 1;

        assertThat(backlog.refusal(now, 2_999, 5_000)).as("just under 30 s of work").isEmpty();
        assertThat(backlog.refusal(now, 3_500, 5_000)).as("35 s of work: 5 s beyond the target").hasValue(5);
        assertThat(backlog.refusal(now, 100_000, 5_000)).as("never told to wait longer than the target").hasValue(30);
    }

    @Test
    void aLowRateIsNoReasonToRefuseWhileTheNetworkKeepsUp() {
        backlog.confirmed(NOW, 10); // a quiet spell: 1 tx/s says nothing of what the network can do
        long now = NOW + 9_000;

        assertThat(backlog.refusal(now, 5_000, Backlog.GRACE_MILLIS)).as("due blocks mined on time").isEmpty();
        assertThat(backlog.refusal(now, 5_000, Backlog.GRACE_MILLIS + 1)).isPresent();
    }

    @Test
    void aChainThatLostBlocksInARaceConfirmedNothing() {
        backlog.confirmed(NOW, 0);
        backlog.confirmed(NOW, -5);
        assertThat(backlog.ratePerSecond(NOW)).isEmpty();
    }

    @Test
    void aTargetWaitOfZeroNeverRefuses() {
        Backlog off = new Backlog(Duration.ZERO);
        off.confirmed(NOW, 1);
        assertThat(off.refusal(NOW + 1_000, 1_000_000, 3_600_000)).isEmpty();
    }

    @Test
    void retryAfterIsTheTimeToConfirmWhatIsPendingWithinTheTarget() {
        assertThat(backlog.secondsToConfirm(NOW, 1_000)).as("no rate: about a mining look").isEqualTo(2);
        backlog.confirmed(NOW, 1_000);
        assertThat(backlog.secondsToConfirm(NOW + 10_000 - 1, 1_500)).isEqualTo(15);
        assertThat(backlog.secondsToConfirm(NOW + 10_000 - 1, 1_000_000)).isEqualTo(30);
    }
}
