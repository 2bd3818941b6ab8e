package io.meshchain.api;

/** A request body was still arriving {@link RequestBodyLimitFilter#BODY_DEADLINE} after its request began. */
class BodyTooSlowException extends RuntimeException {

    BodyTooSlowException() {
        super("the request body did not arrive within " + RequestBodyLimitFilter.BODY_DEADLINE.toSeconds() + " s");
    }
}
