/**
 * How the runner hands a backend instance to the suite the JUnit Platform instantiates. Not
 * exported; opened to JUnit only.
 */
package dev.iomem.testkit.internal;
