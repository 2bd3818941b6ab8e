package io.meshchain.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import tools.jackson.databind.json.JsonMapper;

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

    static ProblemDetail tooSlow(BodyTooSlowException e) {
        return of(HttpStatus.REQUEST_TIMEOUT, "body-timeout", "Request body too slow", e.getMessage());
    }

    /** Writes a problem straight to the response, for filters that answer before Spring MVC does. */
    static void write(HttpServletRequest request, HttpServletResponse response, ProblemDetail problem, JsonMapper json)
            throws IOException {
        problem.setInstance(URI.create(request.getRequestURI()));
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        json.writeValue(response.getOutputStream(), problem);
    }
}
