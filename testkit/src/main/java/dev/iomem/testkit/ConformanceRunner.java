package dev.iomem.testkit;

import dev.iomem.core.BackendChoice;
import dev.iomem.core.BackendDiscovery;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.internal.BackendRegistry;
import dev.iomem.testkit.internal.RegisteredBackendConformance;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * Runs {@link dev.iomem.testkit.conformance.ArchBackendConformance} against backends given as
 * instances or by name, on the JUnit Platform Launcher, in this JVM:
 *
 * <pre>{@code
 * ConformanceReport report = ConformanceRunner.builder()
 *         .progress(new PrintWriter(System.err, true))
 *         .reportDirectory(Path.of("target/conformance"))
 *         .build()
 *         .run(List.of(new Riscv64Backend()));
 * }</pre>
 *
 * <p>With a report directory it writes, per backend, {@code TEST-iomem-conformance-NAME.xml}
 * (JUnit's legacy XML format, read by CI servers) and one {@code conformance-summary.md} for the
 * run. Each backend runs as its own launcher request with only the Jupiter engine's own
 * discovery: no listeners, filters or {@code junit-platform.properties} of the host apply.
 */
public final class ConformanceRunner {

    /** The longest one test may run by default: each takes well under a second on a correct backend. */
    public static final Duration DEFAULT_TEST_TIMEOUT = Duration.ofSeconds(60);

    private final PrintWriter progress;
    private final Path reportDirectory;
    private final Duration testTimeout;

    private ConformanceRunner(Builder b) {
        this.progress = b.progress;
        this.reportDirectory = b.reportDirectory;
        this.testTimeout = b.testTimeout;
    }

    /** {@return a builder with no progress output and no report files} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Finds a backend by name among those {@code loader} can see (plugins included), as
     * {@code iomem --backend NAME} does.
     *
     * @param name   the backend's name, in any case
     * @param loader the class loader to search
     * @return the backend
     * @throws dev.iomem.core.UnknownBackendException if no loaded backend has that name
     */
    public static ArchBackend backendNamed(String name, ClassLoader loader) {
        Objects.requireNonNull(name, "name");
        return BackendDiscovery.discover(loader).select(Optional.of(new BackendChoice(name, "ConformanceRunner"))).backend();
    }

    /**
     * Runs the kit against each backend in turn.
     *
     * @param backends the backends
     * @return the report of every test of every backend
     * @throws IllegalArgumentException if {@code backends} is empty
     * @throws UncheckedIOException     if a report file cannot be written
     */
    public ConformanceReport run(List<? extends ArchBackend> backends) {
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("no backend to run the conformance kit against");
        }
        long t0 = System.nanoTime();
        List<String> names = new ArrayList<>();
        List<TestOutcome> outcomes = new ArrayList<>();
        for (ArchBackend backend : backends) {
            String name = nameOf(backend);
            names.add(name);
            outcomes.addAll(runOne(backend, name));
        }
        ConformanceReport report = new ConformanceReport(names, outcomes, Duration.ofNanos(System.nanoTime() - t0));
        if (reportDirectory != null) {
            try {
                MarkdownSummary.write(report, reportDirectory.resolve("conformance-summary.md"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + reportDirectory.resolve("conformance-summary.md") + ": " + e.getMessage(), e);
            }
        }
        if (progress != null) {
            progress.println((report.passed() ? "PASSED" : "FAILED") + ": " + report.count(TestOutcome.Status.PASSED) + " passed, "
                    + report.count(TestOutcome.Status.FAILED) + " failed, " + report.count(TestOutcome.Status.SKIPPED) + " skipped, "
                    + report.duration().toMillis() + " ms");
            progress.flush();
        }
        return report;
    }

    private static String nameOf(ArchBackend backend) {
        try {
            String n = backend.name();
            return n == null || n.isBlank() ? backend.getClass().getName() : n;
        } catch (RuntimeException e) {
            return backend.getClass().getName();
        }
    }

    private List<TestOutcome> runOne(ArchBackend backend, String name) {
        String token = BackendRegistry.register(backend);
        Path xmlDir = null;
        try {
            LauncherConfig config = LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false)
                    .enablePostDiscoveryFilterAutoRegistration(false)
                    .enableLauncherDiscoveryListenerAutoRegistration(false)
                    .enableLauncherSessionListenerAutoRegistration(false)
                    .build();
            Launcher launcher = LauncherFactory.create(config);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(RegisteredBackendConformance.class))
                    .configurationParameter(BackendRegistry.TOKEN_PARAMETER, token)
                    // A backend that hangs fails its test instead of the whole run.
                    .configurationParameter("junit.jupiter.execution.timeout.default", testTimeout.toMillis() + " ms")
                    .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                    .enableImplicitConfigurationParameters(false)
                    .build();
            OutcomeListener outcomes = new OutcomeListener(name, progress);
            List<TestExecutionListener> listeners = new ArrayList<>(List.of(outcomes));
            if (reportDirectory != null) {
                xmlDir = Files.createDirectories(reportDirectory.resolve(".junit-" + token));
                listeners.add(new LegacyXmlReportGeneratingListener(xmlDir, new PrintWriter(Writer.nullWriter())));
            }
            launcher.execute(request, listeners.toArray(TestExecutionListener[]::new));
            if (xmlDir != null) {
                moveXml(xmlDir, reportDirectory.resolve("TEST-iomem-conformance-" + fileSafe(name) + ".xml"));
            }
            return outcomes.outcomes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JUnit XML report into " + reportDirectory + ": " + e.getMessage(), e);
        } finally {
            BackendRegistry.unregister(token);
        }
    }

    private static void moveXml(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (f.getFileName().toString().endsWith(".xml")) {
                    Files.move(f, to, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    Files.delete(f);
                }
            }
        }
        Files.delete(from);
    }

    private static String fileSafe(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    }

    /** Builds a {@link ConformanceRunner}. */
    public static final class Builder {
        private PrintWriter progress;
        private Path reportDirectory;
        private Duration testTimeout = DEFAULT_TEST_TIMEOUT;

        private Builder() {
        }

        /**
         * Prints progress, one line per finished test, to {@code out}.
         *
         * @param out where to print, or {@code null} for nothing
         * @return this builder
         */
        public Builder progress(PrintWriter out) {
            this.progress = out;
            return this;
        }

        /**
         * Writes JUnit XML and a Markdown summary into {@code dir}, creating it if needed.
         *
         * @param dir the directory, or {@code null} for no files
         * @return this builder
         */
        public Builder reportDirectory(Path dir) {
            this.reportDirectory = dir;
            return this;
        }

        /**
         * Fails any single test that runs longer than {@code timeout} (a backend that hangs), in
         * its own thread, so the rest of the run goes on.
         *
         * @param timeout the longest a test may run; {@link #DEFAULT_TEST_TIMEOUT} unless set
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder testTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a test timeout must be positive, got " + timeout);
            }
            this.testTimeout = timeout;
            return this;
        }

        /** {@return the runner} */
        public ConformanceRunner build() {
            return new ConformanceRunner(this);
        }
    }
}
