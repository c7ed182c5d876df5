/**
 * The iomem conformance kit: simulated device memory that faults like the strictest hardware,
 * traces of every bus transaction and barrier, abstract JUnit 5 suites a backend author
 * subclasses, and a programmatic runner.
 */
module dev.iomem.testkit {
    requires transitive dev.iomem.api;
    requires transitive dev.iomem.core;
    requires transitive org.junit.jupiter.api;
    requires org.junit.platform.launcher;
    requires org.assertj.core;
}
