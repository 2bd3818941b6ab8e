package io.meshchain.cli;

import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

/**
 * A JSON value as the client reads it, parsed with Jackson's streaming parser alone. The client
 * avoids Jackson's data binding because setting it up costs more than the whole command should.
 */
final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final Json NULL = new Json(null);

    private final Object value;

    private Json(Object value) {
        this.value = value;
    }

    /** Parses one JSON document. */
    static Json parse(String text) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), text)) {
            return new Json(read(parser, parser.nextToken()));
        }
    }

    /** A JSON object with string and whole-number values, e.g. a request body. */
    static String object(Map<String, ?> fields) {
        StringWriter out = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(ObjectWriteContext.empty(), out)) {
            generator.writeStartObject();
            for (Map.Entry<String, ?> field : fields.entrySet()) {
                if (field.getValue() instanceof Long number) {
                    generator.writeNumberProperty(field.getKey(), number);
                } else {
                    generator.writeStringProperty(field.getKey(), (String) field.getValue());
                }
            }
            generator.writeEndObject();
        }
        return out.toString();
    }

    private static Object read(JsonParser parser, JsonToken token) {
        if (token == null) {
            throw new IllegalArgumentException("empty document");
        }
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = parser.currentName();
                    object.put(name, read(parser, parser.nextToken()));
                }
                return object;
            }
            case START_ARRAY -> {
                List<Object> array = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    array.add(read(parser, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return parser.getString();
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return parser.getNumberValue();
            }
            case VALUE_TRUE -> {
                return Boolean.TRUE;
            }
            case VALUE_FALSE -> {
                return Boolean.FALSE;
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> throw new IllegalArgumentException("unexpected " + token);
        }
    }

    /** The member {@code name} of an object; a null value when absent. */
    Json get(String name) {
        return value instanceof Map<?, ?> map ? new Json(map.get(name)) : NULL;
    }

    boolean isNull() {
        return value == null;
    }

    /** Text of a string, or the JSON text of a number or boolean; null for null. */
    String text() {
        return value == null ? null : value.toString();
    }

    long number() {
        return value instanceof Number number ? number.longValue() : 0;
    }

    boolean bool() {
        return Boolean.TRUE.equals(value);
    }

    /** The elements of an array; none for anything else. */
    List<Json> items() {
        return value instanceof List<?> list ? list.stream().map(Json::new).toList() : List.of();
    }
}
