package io.meshchain.api;

/** A request body is larger than {@link RequestSizeLimitFilter#MAX_REQUEST_BYTES}. */
class PayloadTooLargeException extends RuntimeException {

    PayloadTooLargeException() {
        super("the request body is larger than " + RequestSizeLimitFilter.MAX_REQUEST_BYTES + " bytes");
    }
}
