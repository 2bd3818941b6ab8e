package io.meshchain.ledger.rules;

import java.util.Objects;

/**
 * One broken rule: which rule, which field it concerns, and why, in words a user can act on.
 *
 * @param rule    stable rule name, e.g. {@code content-length}; used as a metric label
 * @param field   the wire field the rule is about
 * @param message what is wrong
 */
public record RuleViolation(String rule, String field, String message) {

    public RuleViolation {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }
}
