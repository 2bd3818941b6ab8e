package io.meshchain.ledger;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains, without a stack trace, why a node refuses to start on a stored chain that breaks the rules. */
class StoredChainFailureAnalyzer extends AbstractFailureAnalyzer<StoredChainInvalidException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, StoredChainInvalidException cause) {
        return new FailureAnalysis("The node's data directory holds a chain it cannot accept: " + cause.getMessage(),
                "Start with the settings the data was written with, or point meshchain.storage.path at another "
                        + "directory (the node then fetches the chain from its peers). The files were not changed.",
                cause);
    }
}
