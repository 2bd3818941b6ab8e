package io.meshchain.api;

/** A block stream cannot be opened now: the node serves as many as it allows, or is stopping. Answered 503. */
class StreamsUnavailableException extends RuntimeException {

    StreamsUnavailableException(String message) {
        super(message);
    }
}
