package dev.iomem.core.vfio;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.linux.ErrnoException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opening VFIO's device files and reading a function's IOMMU group, with messages that say what to do. */
final class VfioFiles {

    private VfioFiles() {
    }

    /** Opens a device file; the message names the file and the fix. */
    static int open(IoctlGateway gateway, String path, String what) {
        try {
            return gateway.open(path);
        } catch (ErrnoException e) {
            String hint = switch (e.errno()) {
                case ErrnoException.ENOENT -> path + " does not exist: load vfio-pci (modprobe vfio-pci) and bind the"
                        + " device to it (iomem vfio bind ADDR)";
                case ErrnoException.EACCES, ErrnoException.EPERM -> "permission denied on " + path + ": give this user"
                        + " the device file (chown, udev rule) or run with the privilege to open it";
                case ErrnoException.EBUSY -> path + " is open in another process: VFIO lets one process own a group";
                default -> path + ": " + e.getMessage();
            };
            throw new VfioException("cannot open " + what + ": " + hint, e);
        }
    }

    /** Closes {@code fd} if it is open, adding a failure to {@code failure} as suppressed. */
    static void closeQuietly(IoctlGateway gateway, int fd, Throwable failure) {
        if (fd >= 0) {
            try {
                gateway.close(fd);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /**
     * {@return the IOMMU group of {@code device}, from its sysfs {@code iommu_group} link}
     *
     * @throws VfioException if the device does not exist or has no IOMMU group
     */
    static int iommuGroup(Path pciDevices, PciAddress device) {
        Path dir = pciDevices.resolve(device.toString());
        if (!Files.isDirectory(dir)) {
            throw new VfioException("no PCI device " + device + " in " + pciDevices);
        }
        Path link = dir.resolve("iommu_group");
        try {
            String name = Files.readSymbolicLink(link).getFileName().toString();
            return Integer.parseInt(name);
        } catch (NoSuchFileException e) {
            throw new VfioException(device + " has no IOMMU group: the IOMMU is off or absent (VFIO needs it;"
                    + " enable it with intel_iommu=on / amd_iommu=on, or use pagemap mapping)", e);
        } catch (IOException | NumberFormatException e) {
            throw new VfioException("cannot read the IOMMU group of " + device + " from " + link + ": " + e.getMessage(), e);
        }
    }
}
