package io.meshchain.ledger;

/** The pool did not take a transaction that keeps every rule; the client should retry later. */
public class PushbackException extends RuntimeException {

    private final transient Pushback pushback;

    public PushbackException(Pushback pushback) {
        super(pushback.detail());
        this.pushback = pushback;
    }

    public Pushback pushback() {
        return pushback;
    }
}
