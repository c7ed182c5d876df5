package dev.iomem.lab.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A JUnit XML report of named verdicts, as the host checks write it. */
final class JunitReport {

    private record Case(String name, String failure) {
    }

    private final String suite;
    private final List<Case> cases = new ArrayList<>();

    JunitReport(String suite) {
        this.suite = suite;
    }

    void pass(String name) {
        cases.add(new Case(name, null));
        System.out.println("  ok    " + name);
    }

    void fail(String name, String why) {
        cases.add(new Case(name, why));
        System.out.println("  FAIL  " + name + ": " + why);
    }

    long failed() {
        return cases.stream().filter(c -> c.failure() != null).count();
    }

    long passed() {
        return cases.size() - failed();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuite name=\"").append(esc(suite)).append("\" tests=\"").append(cases.size())
                .append("\" failures=\"").append(failed()).append("\" errors=\"0\" skipped=\"0\">\n");
        for (Case c : cases) {
            x.append("  <testcase classname=\"dev.iomem.lab.host.HostChecks\" name=\"").append(esc(c.name())).append('"');
            if (c.failure() == null) {
                x.append("/>\n");
            } else {
                x.append(">\n    <failure message=\"").append(esc(c.failure())).append("\"/>\n  </testcase>\n");
            }
        }
        Files.writeString(file, x.append("</testsuite>\n").toString());
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
