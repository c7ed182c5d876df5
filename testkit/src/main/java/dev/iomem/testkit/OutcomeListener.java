package dev.iomem.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects the {@link TestOutcome}s of one backend's run and prints progress: one line per
 * finished test, the first line of each failure.
 */
final class OutcomeListener implements TestExecutionListener {

    private final String backend;
    private final PrintWriter progress;
    private final List<TestOutcome> outcomes = new ArrayList<>();
    private final Map<UniqueId, Long> started = new ConcurrentHashMap<>();
    private TestPlan plan;
    private long total;
    private long done;

    OutcomeListener(String backend, PrintWriter progress) {
        this.backend = backend;
        this.progress = progress;
    }

    List<TestOutcome> outcomes() {
        return List.copyOf(outcomes);
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        total = testPlan.countTestIdentifiers(TestIdentifier::isTest);
        print("conformance of " + backend + ": " + total + " tests");
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueIdObject(), System.nanoTime());
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
            add(id, TestOutcome.Status.SKIPPED, "disabled: " + reason, Duration.ZERO);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        Long t0 = started.remove(id.getUniqueIdObject());
        Duration d = t0 == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - t0);
        String message = result.getThrowable().map(OutcomeListener::describe).orElse("");
        TestOutcome.Status status = switch (result.getStatus()) {
            case SUCCESSFUL -> TestOutcome.Status.PASSED;
            case ABORTED -> TestOutcome.Status.SKIPPED;
            case FAILED -> TestOutcome.Status.FAILED;
        };
        if (id.isTest()) {
            add(id, status, message, d);
        } else if (status == TestOutcome.Status.FAILED) {
            // A container that fails (the backend could not be built, say) fails all it holds.
            add(id, status, message, d);
        }
    }

    private synchronized void add(TestIdentifier id, TestOutcome.Status status, String message, Duration d) {
        List<String> path = new ArrayList<>();
        var parent = plan.getParent(id);
        while (parent.isPresent() && parent.get().getParentIdObject().isPresent()) {
            path.addFirst(parent.get().getDisplayName());
            parent = plan.getParent(parent.get());
        }
        // path[0] is the suite class; groups are the nested classes below it.
        String group = String.join(" > ", path.size() > 1 ? path.subList(1, path.size()) : List.of());
        outcomes.add(new TestOutcome(backend, group, id.getDisplayName(), status, message, d));
        if (id.isTest()) {
            done++;
        }
        String tag = switch (status) {
            case PASSED -> "PASS";
            case FAILED -> "FAIL";
            case SKIPPED -> "SKIP";
        };
        String name = group.isEmpty() ? id.getDisplayName() : group + " > " + id.getDisplayName();
        print(String.format("  [%s %3d/%d] %s  %s", backend, done, total, tag, name));
        if (status != TestOutcome.Status.PASSED && !message.isEmpty()) {
            String first = message.lines().findFirst().orElse("");
            print("      " + (first.length() > 400 ? first.substring(0, 400) + "..." : first));
        }
    }

    private void print(String line) {
        if (progress != null) {
            progress.println(line);
            progress.flush();
        }
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        if ((t instanceof AssertionError || t instanceof org.opentest4j.TestAbortedException) && m != null) {
            return m;
        }
        return t.getClass().getName() + (m == null ? "" : ": " + m);
    }
}
