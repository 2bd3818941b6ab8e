package io.meshchain.ledger;

import java.util.List;

/**
 * What became of a batch of transactions offered together ({@link ChainService#submitAll}).
 *
 * @param accepted how many were new and are now pending, durably
 * @param known    how many this node already held, pending or confirmed
 * @param refused  the others, each with its place in the batch and why
 */
public record BatchSubmission(int accepted, int known, List<Refusal> refused) {

    public BatchSubmission {
        refused = List.copyOf(refused);
    }

    /**
     * A transaction of the batch that was not taken.
     *
     * @param index  its place in the batch, from 0
     * @param rule   the rule it broke, or {@code pool-full}
     * @param detail what a person reads
     */
    public record Refusal(int index, String rule, String detail) {
    }
}
