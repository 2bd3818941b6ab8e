package io.meshchain.network;

/** The header a relaying node sets on {@code POST /transactions}: its node id. */
public final class RelayHeader {

    public static final String NAME = "X-Meshchain-Relayed-By";

    private RelayHeader() {
    }
}
