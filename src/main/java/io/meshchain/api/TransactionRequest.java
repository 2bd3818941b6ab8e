package io.meshchain.api;

import jakarta.validation.constraints.NotNull;

/**
 * The wire form of {@code POST /transactions} (the seed's {@code tx sender content}). The rules for
 * each field are the ledger's transaction rules; this record only insists the fields are there.
 *
 * @param timestamp optional; without it the node stamps the transaction
 */
record TransactionRequest(@NotNull String sender, @NotNull String content, Long timestamp) {
}
