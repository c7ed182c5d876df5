package dev.iomem.cli;

import dev.iomem.core.BackendCandidate;
import dev.iomem.core.BackendChoice;
import dev.iomem.core.BackendDiscovery;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.ConformanceReport;
import dev.iomem.testkit.ConformanceRunner;
import dev.iomem.testkit.TestOutcome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code iomem conformance}: runs the conformance kit on simulated device memory against one
 * backend ({@code --backend NAME}, or {@code -Diomem.backend}/{@code IOMEM_BACKEND}) or every
 * backend found ({@code --all}, the default when none is named), plugins included. Exits 0 only
 * if every test of every backend passed; otherwise lists the failures and exits 1.
 */
@Command(name = "conformance", mixinStandardHelpOptions = true,
        description = {"Run the conformance kit against a backend on simulated device memory: scalars, barriers, byte order, "
                + "refusals, copies and fills against the kernel's algorithms, slices, close, concurrency.",
            "Without --backend (or -Diomem.backend / IOMEM_BACKEND) every backend found is run, as with --all.",
            "Exits 0 only if everything passes; otherwise lists each failure and exits 1. Progress goes to stderr."})
final class ConformanceCommand extends IomemSubcommand {

    @Option(names = "--all", description = "Run every backend found, plugins included.")
    boolean all;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Write JUnit XML (TEST-iomem-conformance-NAME.xml) and conformance-summary.md into DIR.")
    Path report;

    @Override
    protected int run() {
        CommandLine cl = spec.commandLine();
        GlobalOptions g = global();
        if (all && g.backend != null) {
            cl.getErr().println("iomem: --all and --backend " + g.backend + " exclude each other");
            cl.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        }
        BackendDiscovery discovery = g.discovery();
        Optional<BackendChoice> choice = all ? Optional.empty() : g.choice();
        List<ArchBackend> backends = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        if (choice.isPresent()) {
            backends.add(discovery.select(choice).backend());
        } else {
            for (BackendCandidate c : discovery.candidates()) {
                if (c.loaded()) {
                    backends.add(c.backend().orElseThrow());
                } else {
                    broken.add(c.name() + ": " + c.availability().reason());
                }
            }
        }
        if (backends.isEmpty()) {
            throw new IllegalStateException("no backend to run the conformance kit against" + (broken.isEmpty() ? "" : "; broken: " + broken));
        }
        PrintWriter err = cl.getErr();
        ConformanceReport result = ConformanceRunner.builder().progress(err).reportDirectory(report).build().run(backends);
        boolean passed = result.passed() && broken.isEmpty();
        PrintWriter out = cl.getOut();
        if (json) {
            out.println(JsonText.of(json(result, broken, passed)));
        } else {
            text(out, result, broken, passed);
        }
        out.flush();
        return passed ? 0 : 1;
    }

    private Map<String, Object> json(ConformanceReport r, List<String> broken, boolean passed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passed", passed);
        List<Map<String, Object>> bs = new ArrayList<>();
        for (String b : r.backends()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("name", b);
            x.put("passed", r.passed(b));
            x.put("tests", r.of(b).size());
            x.put("failed", r.of(b).stream().filter(o -> o.status() == TestOutcome.Status.FAILED).count());
            x.put("skipped", r.of(b).stream().filter(o -> o.status() == TestOutcome.Status.SKIPPED).count());
            bs.add(x);
        }
        m.put("backends", bs);
        List<Map<String, Object>> fs = new ArrayList<>();
        for (TestOutcome o : r.failures()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("backend", o.backend());
            x.put("test", o.fullName());
            x.put("rule", rule(o.message()));
            x.put("message", o.message());
            fs.add(x);
        }
        m.put("failures", fs);
        m.put("brokenProviders", broken);
        m.put("durationMillis", r.duration().toMillis());
        m.put("report", report == null ? null : report.toAbsolutePath().toString());
        return m;
    }

    private void text(PrintWriter w, ConformanceReport r, List<String> broken, boolean passed) {
        for (String b : r.backends()) {
            List<TestOutcome> mine = r.of(b);
            w.printf("%-4s %s: %d tests, %d failed, %d skipped%n", r.passed(b) ? "ok" : "FAIL", b, mine.size(),
                    mine.stream().filter(o -> o.status() == TestOutcome.Status.FAILED).count(),
                    mine.stream().filter(o -> o.status() == TestOutcome.Status.SKIPPED).count());
        }
        for (String b : broken) {
            w.println("FAIL provider " + b);
        }
        if (!r.failures().isEmpty()) {
            w.println();
            w.println("Failures:");
            for (TestOutcome o : r.failures()) {
                w.println("  " + o.backend() + ": " + o.fullName());
                w.println("    " + OneLineErrors.oneLine(new RuntimeException(o.message())));
            }
        }
        if (report != null) {
            w.println("report: " + report.toAbsolutePath());
        }
        w.println(passed ? "PASSED" : "FAILED");
    }

    /** {@return the rule id a kit failure message starts with, such as {@code "exactly-once"}, or null} */
    static String rule(String message) {
        if (message.startsWith("[")) {
            int end = message.indexOf(']');
            if (end > 1) {
                return message.substring(1, end);
            }
        }
        return null;
    }
}
