/**
 * An independent model of the kernel's copy and fill algorithms, and a plain accessor built on
 * it, that the conformance kit compares every backend against.
 */
package dev.iomem.testkit.reference;
