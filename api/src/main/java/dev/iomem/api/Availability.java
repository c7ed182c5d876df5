package dev.iomem.api;

import java.util.Objects;

/**
 * Whether a backend can drive real hardware in this JVM, and why (after Netty's
 * {@code isAvailable()} / {@code unavailabilityCause()}). Every "no" carries a reason a person
 * can act on.
 *
 * @param available whether the backend is usable natively here
 * @param reason    why it is or is not, for example {@code "os.arch is amd64, not s390x"}
 */
public record Availability(boolean available, String reason) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if {@code reason} is {@code null}
     * @throws IllegalArgumentException if {@code reason} is blank
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("an availability needs a reason");
        }
    }

    /**
     * {@return an availability that says yes}
     *
     * @param reason why, for example which native helpers were found
     */
    public static Availability available(String reason) {
        return new Availability(true, reason);
    }

    /**
     * {@return an availability that says no}
     *
     * @param reason what is missing and, where possible, what to change
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
