package io.meshchain.system;

/** A setting that passed binding but cannot be used, e.g. an unreadable peers file. */
public class ConfigurationException extends RuntimeException {

    private final String property;

    public ConfigurationException(String property, String message) {
        super(property + ": " + message);
        this.property = property;
    }

    public ConfigurationException(String property, String message, Throwable cause) {
        super(property + ": " + message, cause);
        this.property = property;
    }

    public String property() {
        return property;
    }
}
