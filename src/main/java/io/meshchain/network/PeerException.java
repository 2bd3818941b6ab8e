package io.meshchain.network;

/** A peer answered, but not as the protocol requires: wrong status, oversized or malformed body, wrong blocks. */
class PeerException extends RuntimeException {

    PeerException(String message) {
        super(message);
    }
}
