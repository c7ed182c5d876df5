/**
 * The iomem conformance kit: simulated device memory that faults like the strictest hardware,
 * traces of every bus transaction and barrier, abstract JUnit 5 suites a backend author
 * subclasses, and a programmatic runner.
 */
module dev.iomem.testkit {
    requires transitive dev.iomem.api;
    requires transitive dev.iomem.core;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.platform.launcher;
    requires org.junit.platform.reporting;

    exports dev.iomem.testkit;
    exports dev.iomem.testkit.sim;
    exports dev.iomem.testkit.reference;
    exports dev.iomem.testkit.conformance;

    // JUnit instantiates the suites' nested classes and the runner's suite reflectively.
    opens dev.iomem.testkit.conformance to org.junit.platform.commons;
    opens dev.iomem.testkit.internal to org.junit.platform.commons;
}
