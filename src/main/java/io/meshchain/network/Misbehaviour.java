package io.meshchain.network;

import java.time.Duration;

/**
 * What a peer did that sets it aside: for a while this node neither syncs from it nor believes the
 * height it advertises, so that a peer that lies or serves junk costs it one failed sync, not one at
 * every heartbeat (as Bitcoin Core discourages a misbehaving peer). The node still sends it
 * heartbeats, so a peer that is only behind, or on a fork, can sync from this node and heal.
 */
enum Misbehaviour {

    /** It served a block that breaks a rule time cannot undo. */
    INVALID_CHAIN("invalid-chain", true),
    /**
     * It answered what is not the protocol: malformed, or larger than any honest answer. A connection
     * cut in the middle of an answer looks the same, so the network may be to blame.
     */
    MALFORMED("malformed-answer", false),
    /** It advertised a chain it did not serve: fewer blocks than its height, or less work than it claimed. */
    LIED("lied-about-chain", true),
    /** Its answers trickled in for longer than any honest answer takes; the network may be to blame. */
    STALLED("stalled", false),
    /**
     * Its better chain forks further below this node's tip than it reorganises, or its branch is
     * larger than this node holds before the branch is better: not a fault of the peer, but asking
     * again at every heartbeat would only fetch the same blocks again. An operator settles it.
     */
    DEEP_FORK("deep-fork", true);

    /**
     * How long a peer is set aside for what the network may have caused (a stalled or broken answer):
     * long enough not to ask it at every heartbeat, short enough that an honest peer behind a bad link
     * is soon back.
     */
    static final Duration SHORT_SET_ASIDE = Duration.ofMinutes(1);

    private final String tag;
    private final boolean forTheFullTime;

    Misbehaviour(String tag, boolean forTheFullTime) {
        this.tag = tag;
        this.forTheFullTime = forTheFullTime;
    }

    /** Its name in metrics and health details. */
    String tag() {
        return tag;
    }

    /** How long it sets a peer aside, given the node's setting for the worst. */
    Duration setAsideFor(Duration setting) {
        return forTheFullTime || setting.compareTo(SHORT_SET_ASIDE) < 0 ? setting : SHORT_SET_ASIDE;
    }
}
