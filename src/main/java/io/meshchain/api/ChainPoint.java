package io.meshchain.api;

/**
 * A block of the chain by its height and hash, as a block stream's client knows it: the tip an event
 * leaves the client's chain at, or a block a resuming stream sent. Two at the same height with other
 * hashes are blocks of different branches.
 */
record ChainPoint(long height, String hash) {
}
