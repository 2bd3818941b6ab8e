package io.meshchain.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Request fields or parameters that are missing or out of range; answered with 400 naming each. */
class InvalidRequestException extends RuntimeException {

    /** Message for each field, in the order found. */
    private final Map<String, String> errors;

    InvalidRequestException(String field, String message) {
        this(Map.of(field, message));
    }

    InvalidRequestException(Map<String, String> errors) {
        super(errors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ")));
        this.errors = new LinkedHashMap<>(errors);
    }

    List<Map<String, String>> errors() {
        return errors.entrySet().stream().map(e -> ProblemDetails.error(e.getKey(), e.getValue())).toList();
    }
}
