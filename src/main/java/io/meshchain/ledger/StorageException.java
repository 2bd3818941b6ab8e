package io.meshchain.ledger;

/**
 * The ledger's store could not write or force a change (a full or failing disk). The change did not
 * happen, or was not acknowledged; what was acknowledged before is untouched.
 */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
