/**
 * PCI topology as the kernel shows it in sysfs: {@link dev.iomem.api.pci.PciAddress} (strictly
 * parsed, the only thing that ever becomes a sysfs path), {@link dev.iomem.api.pci.PciDevice},
 * its {@link dev.iomem.api.pci.Bar}s and the peer-to-peer {@link dev.iomem.api.pci.P2pRoute}
 * between two functions.
 */
package dev.iomem.api.pci;
