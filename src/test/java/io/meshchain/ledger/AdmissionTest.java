package io.meshchain.ledger;

import static io.meshchain.ledger.ChainFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When the pool pushes back on new transactions, and for how long it tells clients to wait. */
class AdmissionTest {

    private final Admission admission = new Admission(Duration.ofSeconds(30));

    @Test
    void withoutARateItRefusesOnlyOnceADueBlockIsOverdueByTheTargetWait() {
        assertThat(admission.refusal(NOW, 100_000, 29_000)).as("nothing to project with yet").isEmpty();
        assertThat(admission.refusal(NOW, 1, 31_000)).as("stalled: nothing confirmed for longer than the target")
                .hasValue(30);
    }

    @Test
    void theRateIsWhatTheChainConfirmedOverTheLastTenSeconds() {
        admission.confirmed(NOW, 500);
        admission.confirmed(NOW + 5_000, 500);
        assertThat(admission.ratePerSecond(NOW + 10_000)).as("1,000 over ten seconds").hasValue(100);
        assertThat(admission.ratePerSecond(NOW + 12_000)).as("the first 500 have left the window").hasValue(71);
        assertThat(admission.ratePerSecond(NOW + 15_001)).isEmpty();
    }

    @Test
    void aBacklogBeyondTheTargetIsRefusedWhileDueBlocksAreLate() {
        admission.confirmed(NOW, 1_000); // 100 tx/s once the span is ten seconds
        long now = NOW + 10_000 - 1;

        assertThat(admission.refusal(now, 2_999, 5_000)).as("just under 30 s of work").isEmpty();
        assertThat(admission.refusal(now, 3_500, 5_000)).as("35 s of work: 5 s beyond the target").hasValue(5);
        assertThat(admission.refusal(now, 100_000, 5_000)).as("never told to wait longer than the target").hasValue(30);
    }

    @Test
    void aLowRateIsNoReasonToRefuseWhileTheNetworkKeepsUp() {
        admission.confirmed(NOW, 10); // a quiet spell: 1 tx/s says nothing of what the network can do
        long now = NOW + 9_000;

        assertThat(admission.refusal(now, 5_000, Admission.GRACE_MILLIS)).as("due blocks mined on time").isEmpty();
        assertThat(admission.refusal(now, 5_000, Admission.GRACE_MILLIS + 1)).isPresent();
    }

    @Test
    void aChainThatLostBlocksInARaceConfirmedNothing() {
        admission.confirmed(NOW, 0);
        admission.confirmed(NOW, -5);
        assertThat(admission.ratePerSecond(NOW)).isEmpty();
    }

    @Test
    void aTargetWaitOfZeroNeverRefuses() {
        Admission off = new Admission(Duration.ZERO);
        off.confirmed(NOW, 1);
        assertThat(off.refusal(NOW + 1_000, 1_000_000, 3_600_000)).isEmpty();
    }

    @Test
    void retryAfterIsTheTimeToConfirmWhatIsPendingWithinTheTarget() {
        assertThat(admission.secondsToConfirm(NOW, 1_000)).as("no rate: about a mining look").isEqualTo(2);
        admission.confirmed(NOW, 1_000);
        assertThat(admission.secondsToConfirm(NOW + 10_000 - 1, 1_500)).isEqualTo(15);
        assertThat(admission.secondsToConfirm(NOW + 10_000 - 1, 1_000_000)).isEqualTo(30);
    }
}
