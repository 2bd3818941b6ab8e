package io.meshchain.network;

import java.net.URI;
import java.util.Objects;

/**
 * A node this node talks to: a seed (configured, or found by DNS), or an address learned from a peer
 * and judged by the {@link AddressPolicy} ({@link Peering}).
 *
 * @param url            base URL, e.g. {@code http://127.0.0.1:8081}
 * @param expectedNodeId the node id the configuration gives for it (peers file), or null when unknown
 */
record Peer(URI url, String expectedNodeId) {

    Peer {
        Objects.requireNonNull(url, "url");
    }

    @Override
    public String toString() {
        return expectedNodeId == null ? url.toString() : expectedNodeId + " (" + url + ")";
    }
}
