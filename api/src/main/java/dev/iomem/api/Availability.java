package dev.iomem.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a backend can drive real hardware in this JVM, and why (after Netty's
 * {@code isAvailable()} / {@code unavailabilityCause()}). Every "no" carries a reason a person
 * can act on. There are three states: unavailable; available; and available but
 * {@linkplain #degraded() degraded}: usable natively, with something weaker than the
 * architecture's rules call for (arm64 without its {@code dmb osh*} stubs, for example), whose
 * cause is {@link #degradation()}.
 *
 * @param available   whether the backend is usable natively here
 * @param reason      why it is or is not, for example {@code "os.arch is amd64, not s390x"}
 * @param degradedBy  what is weaker than it should be and why, or {@code null} if nothing is;
 *                    only an available backend can be degraded
 */
public record Availability(boolean available, String reason, String degradedBy) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if {@code reason} is {@code null}
     * @throws IllegalArgumentException if {@code reason} is blank, or an unavailable backend is
     *                                  said to be degraded, or the degradation is blank
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (reason.isBlank()) {
            throw new IllegalArgumentException("an availability needs a reason");
        }
        if (degradedBy != null && (!available || degradedBy.isBlank())) {
            throw new IllegalArgumentException("only an available backend can be degraded, and with a cause");
        }
    }

    /**
     * An availability that is not degraded.
     *
     * @param available whether the backend is usable natively here
     * @param reason    why it is or is not
     */
    public Availability(boolean available, String reason) {
        this(available, reason, null);
    }

    /**
     * {@return an availability that says yes}
     *
     * @param reason why, for example which native helpers were found
     */
    public static Availability available(String reason) {
        return new Availability(true, reason, null);
    }

    /**
     * {@return an availability that says yes, but degraded}
     *
     * @param reason why it is available
     * @param cause  what is weaker than the architecture's rules call for, and why
     */
    public static Availability degraded(String reason, String cause) {
        return new Availability(true, reason, Objects.requireNonNull(cause, "cause"));
    }

    /**
     * {@return an availability that says no}
     *
     * @param reason what is missing and, where possible, what to change
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason, null);
    }

    /** {@return whether the backend is available but degraded} */
    public boolean degraded() {
        return degradedBy != null;
    }

    /** {@return what is degraded and why, if the backend is degraded} */
    public Optional<String> degradation() {
        return Optional.ofNullable(degradedBy);
    }
}
