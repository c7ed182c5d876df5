/**
 * The conformance kit's programmatic runner ({@link dev.iomem.testkit.ConformanceRunner}) and its
 * reports. The suites are in {@link dev.iomem.testkit.conformance}, the simulated device in
 * {@link dev.iomem.testkit.sim}, the reference model of the kernel's copy algorithms in
 * {@link dev.iomem.testkit.reference}.
 */
package dev.iomem.testkit;
