package io.meshchain.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.tags.Tag;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The OpenAPI document at {@code /v3/api-docs} (Swagger UI at {@code /swagger-ui.html}). */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    @Bean
    OpenAPI meshchainApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("meshchain node")
                        .version("1")
                        .description("""
                                The HTTP contract every meshchain node serves. JSON in and out, UTF-8. Errors are \
                                RFC 9457 problem details (application/problem+json) with type, title, status, \
                                detail and, for validation errors, errors: [{field, message}]. A node never answers \
                                500 to bad input. Hashes are 64 lowercase hex characters (SHA-256); times are \
                                epoch milliseconds.""")
                        .license(new License().name("See the project's repository")))
                .addTagsItem(new Tag().name("Transactions").description("The seed's tx: submit, list, look up"))
                .addTagsItem(new Tag().name("Chain").description("The seed's pb: the blockchain, whole or in pages"))
                .addTagsItem(new Tag().name("Proof of work").description("The seed's gp and up: mine outside the node"))
                .addTagsItem(new Tag().name("Heartbeat").description("The seed's hb: summaries exchanged between peers"));
    }
}
