package io.meshchain.ledger;

import io.meshchain.ledger.rules.RuleViolation;
import java.util.List;

/** A submitted transaction breaks one or more transaction rules. */
public class InvalidTransactionException extends RuntimeException {

    private final List<RuleViolation> violations;

    public InvalidTransactionException(List<RuleViolation> violations) {
        super("transaction breaks " + violations.stream().map(RuleViolation::rule).toList());
        this.violations = List.copyOf(violations);
    }

    public List<RuleViolation> violations() {
        return violations;
    }
}
