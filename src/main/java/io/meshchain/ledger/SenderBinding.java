package io.meshchain.ledger;

/**
 * A sender name bound to a key: the key of the first signed transaction for that name the chain
 * confirmed (docs/api.md, "Signed transactions"). From the block after it on, every transaction from that
 * sender must be signed with that key.
 *
 * @param publicKey the key, base64url without padding
 * @param height    the height of the block whose transaction bound it
 */
public record SenderBinding(String publicKey, long height) {
}
