package io.meshchain.api;

/** A request parameter is out of range; answered with 400 naming the parameter. */
class InvalidRequestException extends RuntimeException {

    private final String field;

    InvalidRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
