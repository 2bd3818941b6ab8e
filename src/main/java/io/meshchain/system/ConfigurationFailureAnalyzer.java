package io.meshchain.system;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link ConfigurationException} into Spring Boot's short start-up report, without a stack trace. */
class ConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConfigurationException cause) {
        return new FailureAnalysis("Invalid setting " + cause.getMessage(),
                "Correct '" + cause.property() + "' and start the node again.", cause);
    }
}
