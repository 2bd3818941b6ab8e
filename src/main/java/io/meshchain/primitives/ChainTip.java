package io.meshchain.primitives;

import java.math.BigInteger;
import java.util.Objects;

/**
 * What fork choice needs to know of a chain: its tip and the work behind it.
 *
 * @param height    index of the tip block
 * @param hash      hash of the tip block
 * @param timestamp timestamp of the tip block
 * @param totalWork sum of 2^difficulty over the chain's blocks
 */
public record ChainTip(long height, String hash, long timestamp, BigInteger totalWork) {

    public ChainTip {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(totalWork, "totalWork");
    }
}
