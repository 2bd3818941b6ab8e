package io.meshchain.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a request whose Content-Type cannot describe a body (unparseable, or a wildcard such as
 * {@code application/*}) with 415, before Spring MVC, which would otherwise fail on it with a 500.
 */
@Component
class ContentTypeFilter extends OncePerRequestFilter {

    private final JsonMapper json;

    ContentTypeFilter(JsonMapper json) {
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String contentType = request.getContentType();
        if (contentType != null && !describesABody(contentType)) {
            ProblemDetails.write(request, response, ProblemDetails.of(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "unsupported-media-type", "Unsupported Media Type",
                    "Content-Type '" + contentType + "' does not name a concrete type; send application/json"), json);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean describesABody(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return !type.isWildcardType() && !type.isWildcardSubtype();
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
