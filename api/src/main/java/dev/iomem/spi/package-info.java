/**
 * The service-provider interface for architecture backends. A backend is an
 * {@link dev.iomem.spi.ArchBackend} registered with {@link java.util.ServiceLoader}: mostly
 * declarative {@link dev.iomem.api.AccessRules}, plus its native mechanism, an
 * {@link dev.iomem.spi.IoBus} and {@link dev.iomem.spi.Barriers}.
 */
package dev.iomem.spi;
