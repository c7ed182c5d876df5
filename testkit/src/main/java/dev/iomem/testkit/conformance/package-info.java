/**
 * The conformance suites: abstract JUnit 5 classes a backend or DMA mapper author subclasses,
 * and the rules they check.
 */
package dev.iomem.testkit.conformance;
