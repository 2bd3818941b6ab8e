package io.meshchain.api;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Builds the RFC 9457 problem details this API answers with; validation problems list their fields. */
final class ProblemDetails {

    private ProblemDetails() {
    }

    static ProblemDetail of(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:meshchain:problem:" + type));
        problem.setTitle(title);
        return problem;
    }

    /** A 400 naming each field that is wrong and why. */
    static ProblemDetail invalid(String title, List<Map<String, String>> errors) {
        String detail = errors.stream().map(e -> e.get("field") + " " + e.get("message"))
                .reduce((a, b) -> a + "; " + b).orElse(title);
        ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "invalid-request", title, detail);
        problem.setProperty("errors", errors);
        return problem;
    }

    static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    static ProblemDetail tooLarge(PayloadTooLargeException e) {
        return of(HttpStatus.CONTENT_TOO_LARGE, "request-too-large", "Request too large", e.getMessage());
    }
}
