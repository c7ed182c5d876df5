/**
 * Backend discovery and selection. {@link dev.iomem.core.Iomem#backends()} lists every
 * {@link dev.iomem.spi.ArchBackend} found by {@link java.util.ServiceLoader} with its
 * availability; {@link dev.iomem.core.Iomem#platform()} chooses one and gives an
 * {@link dev.iomem.core.IoPlatform} that opens BAR windows through it.
 */
package dev.iomem.core;
