/**
 * Simulated device memory: a {@link dev.iomem.spi.IoBus} that faults like the strictest hardware
 * for the rules it is given, registers with side effects, and a trace of every transaction and
 * barrier call.
 */
package dev.iomem.testkit.sim;
