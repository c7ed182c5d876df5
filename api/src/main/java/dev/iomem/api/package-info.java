/**
 * Access to device (MMIO) memory: {@link dev.iomem.api.IoAccessor} and the data that
 * describes what an architecture allows, {@link dev.iomem.api.AccessRules}.
 *
 * <p>Every value read or written through an accessor is a PCI (little-endian) device value.
 * Every illegal access raises an {@link dev.iomem.api.IoAccessException} <em>before</em> the
 * device is touched: on device memory a wrong access is a SIGBUS that kills the JVM, not an
 * exception.
 */
package dev.iomem.api;
