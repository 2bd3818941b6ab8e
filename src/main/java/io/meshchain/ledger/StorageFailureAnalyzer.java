package io.meshchain.ledger;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains, without a stack trace, why a node cannot start when its ledger's files cannot be read or written. */
class StorageFailureAnalyzer extends AbstractFailureAnalyzer<StorageException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StorageException cause) {
        return new FailureAnalysis("The node's ledger could not be read or written at start: " + cause.getMessage(),
                "Check the disk and the files in meshchain.storage.path. A damaged index is built again from the "
                        + "block log when the directory 'index' is deleted; a damaged block log can be replaced by "
                        + "an empty data directory, and the node then fetches the chain from its peers.", cause);
    }
}
