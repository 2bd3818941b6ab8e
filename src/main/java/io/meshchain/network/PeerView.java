package io.meshchain.network;

/**
 * What this node last learned of a peer, as shown in its heartbeat summary.
 *
 * @param url       the peer's configured base URL
 * @param nodeId    the id the peer gave in its last answer, or null before the first one
 * @param reachable whether the last heartbeat to it was answered
 * @param height    the peer's height in its last answer, or null
 * @param lastSeen  when it last answered, epoch milliseconds, or null
 */
record PeerView(String url, String nodeId, boolean reachable, Long height, Long lastSeen) {
}
