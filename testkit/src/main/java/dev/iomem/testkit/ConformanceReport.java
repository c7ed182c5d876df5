package dev.iomem.testkit;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of a conformance run over one or more backends.
 *
 * @param backends the names of the backends run, in order
 * @param outcomes every test's outcome, grouped by backend in run order
 * @param duration how long the whole run took
 */
public record ConformanceReport(List<String> backends, List<TestOutcome> outcomes, Duration duration) {

    /**
     * Copies the arguments.
     *
     * @throws NullPointerException if an argument is {@code null}
     */
    public ConformanceReport {
        backends = List.copyOf(backends);
        outcomes = List.copyOf(outcomes);
        Objects.requireNonNull(duration, "duration");
    }

    /** {@return whether at least one test ran and none failed} */
    public boolean passed() {
        return failures().isEmpty() && count(TestOutcome.Status.PASSED) > 0;
    }

    /** {@return the failed tests} */
    public List<TestOutcome> failures() {
        return outcomes.stream().filter(o -> o.status() == TestOutcome.Status.FAILED).toList();
    }

    /**
     * {@return how many tests had the status}
     *
     * @param status the status
     */
    public long count(TestOutcome.Status status) {
        return outcomes.stream().filter(o -> o.status() == status).count();
    }

    /**
     * {@return the outcomes of one backend}
     *
     * @param backend the backend's name
     */
    public List<TestOutcome> of(String backend) {
        return outcomes.stream().filter(o -> o.backend().equals(backend)).toList();
    }

    /**
     * {@return whether every test of one backend passed or was skipped, and one passed}
     *
     * @param backend the backend's name
     */
    public boolean passed(String backend) {
        List<TestOutcome> mine = of(backend);
        return mine.stream().noneMatch(o -> o.status() == TestOutcome.Status.FAILED)
                && mine.stream().anyMatch(o -> o.status() == TestOutcome.Status.PASSED);
    }
}
