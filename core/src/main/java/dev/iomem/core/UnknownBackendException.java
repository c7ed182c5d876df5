package dev.iomem.core;

import java.util.List;

/**
 * A backend was asked for by a name that no discovered provider has.
 */
public final class UnknownBackendException extends IllegalArgumentException {

    /** The names of the backends that were found. */
    private final List<String> knownNames;

    UnknownBackendException(String name, String source, List<String> knownNames, List<String> brokenNames) {
        super("unknown backend \"" + name + "\" (from " + source + "); known backends: "
                + (knownNames.isEmpty() ? "none" : String.join(", ", knownNames))
                + (brokenNames.isEmpty() ? "" : "; failed to load: " + String.join(", ", brokenNames)
                        + " (iomem probe shows why)"));
        this.knownNames = List.copyOf(knownNames);
    }

    /** {@return the names of the backends that were found} */
    public List<String> knownNames() {
        return knownNames;
    }
}
