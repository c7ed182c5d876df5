package dev.iomem.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A {@link ConformanceReport} as a Markdown page: a table per backend, then every failure's
 * full message.
 */
public final class MarkdownSummary {

    private MarkdownSummary() {
    }

    /**
     * {@return the report as Markdown}
     *
     * @param report the report
     */
    public static String of(ConformanceReport report) {
        Objects.requireNonNull(report, "report");
        StringBuilder sb = new StringBuilder();
        sb.append("# iomem conformance\n\n");
        sb.append(report.passed() ? "**PASSED**" : "**FAILED**").append(": ")
                .append(report.count(TestOutcome.Status.PASSED)).append(" passed, ")
                .append(report.count(TestOutcome.Status.FAILED)).append(" failed, ")
                .append(report.count(TestOutcome.Status.SKIPPED)).append(" skipped, in ")
                .append(report.duration().toMillis()).append(" ms.\n\n");
        sb.append("| backend | result | passed | failed | skipped |\n|---|---|---|---|---|\n");
        for (String b : report.backends()) {
            var mine = report.of(b);
            sb.append("| ").append(cell(b)).append(" | ").append(report.passed(b) ? "pass" : "FAIL").append(" | ")
                    .append(mine.stream().filter(o -> o.status() == TestOutcome.Status.PASSED).count()).append(" | ")
                    .append(mine.stream().filter(o -> o.status() == TestOutcome.Status.FAILED).count()).append(" | ")
                    .append(mine.stream().filter(o -> o.status() == TestOutcome.Status.SKIPPED).count()).append(" |\n");
        }
        for (String b : report.backends()) {
            sb.append("\n## ").append(b).append("\n\n| test | result | note |\n|---|---|---|\n");
            for (TestOutcome o : report.of(b)) {
                sb.append("| ").append(cell(o.fullName())).append(" | ").append(switch (o.status()) {
                    case PASSED -> "pass";
                    case FAILED -> "**FAIL**";
                    case SKIPPED -> "skip";
                }).append(" | ").append(cell(o.status() == TestOutcome.Status.FAILED ? firstWords(o.message()) : o.message())).append(" |\n");
            }
        }
        if (!report.failures().isEmpty()) {
            sb.append("\n## Failures\n");
            for (TestOutcome o : report.failures()) {
                sb.append("\n### ").append(o.backend()).append(": ").append(o.fullName()).append("\n\n```\n")
                        .append(o.message().replace("```", "'''")).append("\n```\n");
            }
        }
        return sb.toString();
    }

    /**
     * Writes the report as Markdown.
     *
     * @param report the report
     * @param file   the file to write
     * @throws IOException if the file cannot be written
     */
    public static void write(ConformanceReport report, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, of(report));
    }

    private static String firstWords(String message) {
        int cut = message.indexOf(". Broken by");
        return cut > 0 ? message.substring(0, cut) : (message.length() > 160 ? message.substring(0, 160) + "..." : message);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
