package io.meshchain.api;

/** A request body is larger than {@link RequestBodyLimitFilter#MAX_REQUEST_BYTES}. */
class PayloadTooLargeException extends RuntimeException {

    PayloadTooLargeException() {
        super("the request body is larger than " + RequestBodyLimitFilter.MAX_REQUEST_BYTES + " bytes");
    }
}
