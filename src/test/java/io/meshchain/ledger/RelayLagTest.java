package io.meshchain.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RelayLagTest {

    private static final long NOW = ChainFixture.NOW;

    private final RelayLag lag = new RelayLag();

    @Test
    void noRelayNoLag() {
        assertThat(lag.slowestRecent(NOW)).isZero();
    }

    @Test
    void theSlowestRelayOfTheWindowCountsUntilItLeavesIt() {
        lag.record(NOW, NOW - 40);
        lag.record(NOW + 10, NOW - 600);
        lag.record(NOW + 2_000, NOW + 1_950);

        assertThat(lag.slowestRecent(NOW + 2_000)).isEqualTo(610);
        assertThat(lag.slowestRecent(NOW + (RelayLag.WINDOW_SECONDS - 1) * 1_000L + 999)).isEqualTo(610);
        assertThat(lag.slowestRecent(NOW + RelayLag.WINDOW_SECONDS * 1_000L)).as("the slow second has left the window")
                .isEqualTo(50);
        assertThat(lag.slowestRecent(NOW + (RelayLag.WINDOW_SECONDS + 2) * 1_000L)).isZero();
    }

    @Test
    void aSlotReusedForALaterSecondForgetsTheEarlierOne() {
        lag.record(NOW, NOW - 900);
        long later = NOW + RelayLag.WINDOW_SECONDS * 1_000L;
        lag.record(later, later - 30);

        assertThat(lag.slowestRecent(later)).isEqualTo(30);
    }

    @Test
    void aClockBehindTheRelayingNodesCountsAsNoLag() {
        lag.record(NOW, NOW + 500);

        assertThat(lag.slowestRecent(NOW)).isZero();
    }
}
