package io.meshchain.ledger;

/** Work was done on a template that no longer applies: the tip moved or a transaction left the pool. */
public class StaleWorkException extends RuntimeException {

    public StaleWorkException(String message) {
        super(message);
    }
}
