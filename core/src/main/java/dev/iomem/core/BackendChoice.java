package dev.iomem.core;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * An explicit choice of backend and where it came from. Precedence, highest first: the
 * caller (the CLI's {@code --backend}, or the name given to {@code Iomem.platform(name)}), the system property {@value Iomem#BACKEND_PROPERTY},
 * the environment variable {@value Iomem#BACKEND_ENV}.
 *
 * @param name   the backend's name
 * @param source where the choice came from, for messages
 */
public record BackendChoice(String name, String source) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public BackendChoice {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (name.isBlank()) {
            throw new IllegalArgumentException("empty backend name from " + source);
        }
        name = name.strip();
    }

    /**
     * {@return the explicit choice, if any, by precedence}
     *
     * @param callerChoice the caller's choice (may be {@code null})
     * @param callerSource what the caller's choice is called in messages, such as
     *                     {@code "--backend"} for the CLI
     * @param properties   the system properties to read {@value Iomem#BACKEND_PROPERTY} from
     * @param environment  the environment to read {@value Iomem#BACKEND_ENV} from
     * @throws NullPointerException if {@code callerSource}, {@code properties} or
     *                              {@code environment} is {@code null}
     */
    public static Optional<BackendChoice> resolve(String callerChoice, String callerSource, Properties properties,
                                                  Map<String, String> environment) {
        Objects.requireNonNull(callerSource, "callerSource");
        Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(environment, "environment");
        if (callerChoice != null && !callerChoice.isBlank()) {
            return Optional.of(new BackendChoice(callerChoice, callerSource));
        }
        String prop = properties.getProperty(Iomem.BACKEND_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Optional.of(new BackendChoice(prop, "-D" + Iomem.BACKEND_PROPERTY));
        }
        String env = environment.get(Iomem.BACKEND_ENV);
        if (env != null && !env.isBlank()) {
            return Optional.of(new BackendChoice(env, "environment variable " + Iomem.BACKEND_ENV));
        }
        return Optional.empty();
    }
}
