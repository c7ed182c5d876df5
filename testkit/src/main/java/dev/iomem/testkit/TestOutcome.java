package dev.iomem.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * The result of one conformance test for one backend.
 *
 * @param backend  the backend's name
 * @param group    the test's group, such as {@code "Copies and fills"}; empty for a top-level test
 * @param test     the test's display name, a sentence
 * @param status   passed, failed or skipped
 * @param message  why it failed or was skipped; empty if it passed
 * @param duration how long it ran
 */
public record TestOutcome(String backend, String group, String test, Status status, String message, Duration duration) {

    /** What happened to a test. */
    public enum Status {
        /** Every check held. */
        PASSED,
        /** A check failed, or the test could not run. */
        FAILED,
        /** The test does not apply to this backend (an assumption failed) or was disabled. */
        SKIPPED
    }

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public TestOutcome {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(duration, "duration");
    }

    /** {@return the group and test as one name, such as {@code "Copies and fills > fillIo ..."}} */
    public String fullName() {
        return group.isEmpty() ? test : group + " > " + test;
    }
}
