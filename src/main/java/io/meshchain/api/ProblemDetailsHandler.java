package io.meshchain.api;

import io.meshchain.ledger.InvalidTransactionException;
import io.meshchain.ledger.Pushback;
import io.meshchain.ledger.PushbackException;
import io.meshchain.ledger.StaleWorkException;
import io.meshchain.ledger.StorageException;
import io.meshchain.ledger.rules.BlockRejectedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Answers every error as problem details. Anything a client can send that is wrong is a 4xx that
 * says what is wrong; a 500 only ever means a bug in this node, and is logged as one.
 */
@RestControllerAdvice
class ProblemDetailsHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemDetailsHandler.class);

    /** Seconds a client should wait when the node's disk refuses writes. */
    static final String STORAGE_RETRY_AFTER_SECONDS = "30";
    /** Seconds a client should wait when the node serves as many block streams as it allows. */
    static final String STREAMS_RETRY_AFTER_SECONDS = "10";

    @ExceptionHandler
    ProblemDetail invalidTransaction(InvalidTransactionException e) {
        List<Map<String, String>> errors = e.violations().stream().map(v -> {
            Map<String, String> error = new LinkedHashMap<>(ProblemDetails.error(v.field(), v.message()));
            error.put("rule", v.rule());
            return (Map<String, String>) error;
        }).toList();
        return ProblemDetails.invalid("Invalid transaction", errors);
    }

    @ExceptionHandler
    ProblemDetail invalidRequest(InvalidRequestException e) {
        return ProblemDetails.invalid("Invalid request", e.errors());
    }

    /**
     * A sender over its limit is told so with 429: others may still submit. A full pool or a network
     * that is behind is 503 for everyone. Either way Retry-After says when to try again.
     */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> pushback(PushbackException e) {
        Pushback pushback = e.pushback();
        boolean sender = Pushback.SENDER_LIMIT.equals(pushback.rule());
        HttpStatus status = sender ? HttpStatus.TOO_MANY_REQUESTS : HttpStatus.SERVICE_UNAVAILABLE;
        String title = switch (pushback.rule()) {
            case Pushback.POOL_FULL -> "Pending pool full";
            case Pushback.BACKLOG -> "Network behind";
            default -> "Too many pending for this sender";
        };
        return ResponseEntity.status(status)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(pushback.retryAfterSeconds()))
                .body(ProblemDetails.of(status, pushback.rule(), title, pushback.detail()));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> storageFailed(StorageException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, STORAGE_RETRY_AFTER_SECONDS)
                .body(ProblemDetails.of(HttpStatus.SERVICE_UNAVAILABLE, "storage-unavailable", "Storage unavailable",
                        "the node cannot store the change right now; nothing was acknowledged, retry later"));
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> streamsUnavailable(StreamsUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, STREAMS_RETRY_AFTER_SECONDS)
                .body(ProblemDetails.of(HttpStatus.SERVICE_UNAVAILABLE, "streams-unavailable", "No block stream free",
                        e.getMessage()));
    }

    @ExceptionHandler
    ProblemDetail stale(StaleWorkException e) {
        return ProblemDetails.of(HttpStatus.CONFLICT, "stale-template", "Stale mining template", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail blockRejected(BlockRejectedException e) {
        ProblemDetail problem = ProblemDetails.of(HttpStatus.UNPROCESSABLE_CONTENT, "block-rejected", "Block rejected",
                e.getMessage());
        problem.setProperty("rule", e.rule());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail tooLarge(PayloadTooLargeException e) {
        return ProblemDetails.tooLarge(e);
    }

    @ExceptionHandler
    ProblemDetail tooSlow(BodyTooSlowException e) {
        return ProblemDetails.tooSlow(e);
    }

    /** Tomcat could not decode a form-encoded body; this API takes JSON only. */
    @ExceptionHandler
    ProblemDetail undecodableParameters(InvalidParameterException e) {
        return ProblemDetails.of(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request",
                "the request's parameters cannot be decoded");
    }

    @ExceptionHandler
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected error answering a request", e);
        return ProblemDetails.of(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the node failed to answer; see its log");
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        List<Map<String, String>> errors = e.getBindingResult().getFieldErrors().stream()
                .map(error -> ProblemDetails.error(error.getField(), String.valueOf(error.getDefaultMessage())))
                .toList();
        return ResponseEntity.badRequest().body(ProblemDetails.invalid("Invalid request", errors));
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException e, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        String field = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
        String expected = e.getRequiredType() == null ? "another type" : typeName(e.getRequiredType());
        return ResponseEntity.badRequest().body(ProblemDetails.invalid("Invalid request",
                List.of(ProblemDetails.error(field, "must be " + expected))));
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PayloadTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(ProblemDetails.tooLarge(tooLarge));
            }
            if (cause instanceof BodyTooSlowException tooSlow) {
                return ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT).body(ProblemDetails.tooSlow(tooSlow));
            }
        }
        return ResponseEntity.badRequest().body(ProblemDetails.invalid("Unreadable request body", List.of(describe(e))));
    }

    private static Map<String, String> describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return ProblemDetails.error(path(unknown), "is not a known field");
        }
        if (cause instanceof MismatchedInputException mismatch) {
            String expected = mismatch.getTargetType() == null ? "another type" : typeName(mismatch.getTargetType());
            return ProblemDetails.error(path(mismatch), "must be " + expected);
        }
        if (cause instanceof StreamReadException) {
            return ProblemDetails.error("body", "is not well-formed JSON");
        }
        if (cause instanceof JacksonException jackson) {
            return ProblemDetails.error(path(jackson), "cannot be read: " + jackson.getOriginalMessage());
        }
        return ProblemDetails.error("body", "is missing or not JSON");
    }

    private static String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "body" : path.toString();
    }

    private static String typeName(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "a whole number";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "a JSON object";
    }
}
