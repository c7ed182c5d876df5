package dev.iomem.core.vfio;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.linux.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * How {@link VfioDevice#open(PciAddress, VfioDeviceOptions)} opens a device: the sysfs checks
 * before any file is opened, the choice of IOMMU path, the two paths' open sequences, and the
 * device, region and IRQ info read once at open. A failure anywhere closes what was opened.
 */
final class VfioDeviceOpening {

    private static final System.Logger LOG = System.getLogger(VfioDevice.class.getName());

    private VfioDeviceOpening() {
    }

    static VfioDevice open(PciAddress address, VfioDeviceOptions options) {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(options, "options");
        Path dir = options.pciDevices().resolve(address.toString());
        if (!java.nio.file.Files.isDirectory(dir)) {
            throw new VfioException("no PCI device " + address + " in " + options.pciDevices());
        }
        Optional<String> driver = VfioBinding.driverOf(options.pciDevices(), address);
        boolean bound = driver.isPresent() && driver.get().equals(VfioBinding.VFIO_PCI);
        // Without an IOMMU vfio-pci cannot bind at all, so "no group" is the news then. With one,
        // a function may have no group until a driver binds it (arm64 device trees).
        if (!bound && (java.nio.file.Files.exists(dir.resolve("iommu_group")) || iommuPresent(options.pciDevices()))) {
            throw new VfioException(address + " is not bound to vfio-pci (" + driver.map(d -> "its driver is " + d)
                    .orElse("it has no driver") + "): bind it with 'iomem vfio bind " + address + "'");
        }
        int group = VfioFiles.iommuGroup(options.pciDevices(), address);
        if (!bound) {
            throw new VfioException(address + " is not bound to vfio-pci (" + driver.map(d -> "its driver is " + d)
                    .orElse("it has no driver") + "): bind it with 'iomem vfio bind " + address + "'");
        }
        Optional<String> cdev = VfioBinding.cdevName(options.pciDevices(), address);
        boolean iommufdOffered = cdev.isPresent() && options.exists(options.devIommu())
                && options.exists(options.devVfio().resolve("devices").resolve(cdev.get()));
        String why;
        if (options.path() == IommuPath.IOMMUFD && !iommufdOffered) {
            throw new VfioException(address + ": the iommufd path was asked for, but " + (cdev.isEmpty()
                    ? "the kernel made no VFIO device cdev (no " + options.pciDevices().resolve(address.toString()).resolve("vfio-dev")
                    + "; CONFIG_VFIO_DEVICE_CDEV is off)" : options.devIommu() + " or its cdev is missing"));
        }
        if (options.path() == IommuPath.GROUP_CONTAINER) {
            why = "asked for";
        } else if (iommufdOffered) {
            try {
                return openIommufd(address, options, group, cdev.get(), options.path() == IommuPath.IOMMUFD ? "asked for"
                        : options.devIommu() + " and " + options.devVfio().resolve("devices").resolve(cdev.get()) + " exist");
            } catch (VfioException e) {
                if (options.path() == IommuPath.IOMMUFD) {
                    throw e;
                }
                LOG.log(System.Logger.Level.DEBUG, "iommufd failed for {0}, using the group: {1}", address, e.getMessage());
                why = "iommufd failed (" + e.getMessage() + ")";
            }
        } else {
            why = cdev.isEmpty() ? "the kernel offers no VFIO device cdev" : options.devIommu() + " does not exist";
        }
        return openGroup(address, options, group, why);
    }

    /** {@return whether sysfs lists an IOMMU ({@code /sys/class/iommu}, beside {@code /sys/bus}) } */
    private static boolean iommuPresent(Path pciDevices) {
        Path bus = pciDevices.getParent() == null ? null : pciDevices.getParent().getParent();
        Path classIommu = bus == null || bus.getParent() == null ? null : bus.getParent().resolve("class").resolve("iommu");
        if (classIommu == null || !java.nio.file.Files.isDirectory(classIommu)) {
            return false;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(classIommu)) {
            return s.findAny().isPresent();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static VfioDevice openGroup(PciAddress address, VfioDeviceOptions options, int group, String why) {
        IoctlGateway gw = options.gateway();
        VfioContainer container = VfioContainer.open(gw, options.devVfio(), group, address, Libc.pageSize());
        int fd = -1;
        try (Arena a = Arena.ofConfined()) {
            fd = gw.ioctl(container.groupFd(), VfioAbi.GROUP_GET_DEVICE_FD, a.allocateFrom(address.toString()));
            return describe(address, options, group, container, "group-container: " + why, fd);
        } catch (RuntimeException e) {
            VfioFiles.closeQuietly(gw, fd, e);
            try {
                container.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw wrap(address, e);
        }
    }

    private static VfioDevice openIommufd(PciAddress address, VfioDeviceOptions options, int group, String cdev, String why) {
        IoctlGateway gw = options.gateway();
        int fd = VfioFiles.open(gw, options.devVfio().resolve("devices").resolve(cdev).toString(), "the VFIO device cdev of " + address);
        IommufdIoas ioas = null;
        try {
            ioas = IommufdIoas.open(gw, options.devIommu().toString(), fd, address, Libc.pageSize());
            return describe(address, options, group, ioas, "iommufd: " + why, fd);
        } catch (RuntimeException e) {
            VfioFiles.closeQuietly(gw, fd, e);
            if (ioas != null) {
                try {
                    ioas.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw wrap(address, e);
        }
    }

    private static RuntimeException wrap(PciAddress address, RuntimeException e) {
        if (e instanceof ErrnoException errno) {
            return new VfioException("cannot open " + address + " through VFIO: " + errno.getMessage(), errno);
        }
        return e;
    }

    /** Reads the device, region and IRQ info; the caller closes {@code fd} and {@code iommu} on failure. */
    private static VfioDevice describe(PciAddress address, VfioDeviceOptions options, int group, VfioIommu iommu, String reason, int fd) {
        IoctlGateway gw = options.gateway();
        int flags;
        int numRegions;
        int numIrqs;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(VfioAbi.DEVICE_INFO_SIZE, 8);
            info.set(JAVA_INT_UNALIGNED, 0, VfioAbi.DEVICE_INFO_SIZE);
            gw.ioctl(fd, VfioAbi.DEVICE_GET_INFO, info);
            flags = info.get(JAVA_INT_UNALIGNED, 4);
            numRegions = info.get(JAVA_INT_UNALIGNED, 8);
            numIrqs = info.get(JAVA_INT_UNALIGNED, 12);
        }
        if ((flags & VfioAbi.DEVICE_FLAGS_PCI) == 0) {
            throw new VfioException(address + " is not a vfio-pci device (VFIO_DEVICE_FLAGS_PCI is not set)");
        }
        if (numRegions < 0 || numRegions > 64 || numIrqs < 0 || numIrqs > 64) {
            throw new VfioException(address + ": VFIO_DEVICE_GET_INFO reports " + numRegions + " regions and " + numIrqs
                    + " IRQ indices, beyond what vfio-pci has");
        }
        List<VfioRegion> regions = new ArrayList<>();
        for (int i = 0; i < numRegions; i++) {
            regions.add(VfioRegionInfo.read(gw, fd, i));
        }
        List<VfioIrqInfo> irqs = new ArrayList<>();
        for (IrqType t : IrqType.values()) {
            if (t.index() >= numIrqs) {
                break;
            }
            irqs.add(readIrq(gw, fd, t));
        }
        return new VfioDevice(address, options, group, iommu, reason, fd, (flags & VfioAbi.DEVICE_FLAGS_RESET) != 0,
                List.copyOf(regions), List.copyOf(irqs));
    }

    private static VfioIrqInfo readIrq(IoctlGateway gw, int fd, IrqType t) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(VfioAbi.IRQ_INFO_SIZE, 8);
            info.set(JAVA_INT_UNALIGNED, 0, VfioAbi.IRQ_INFO_SIZE);
            info.set(JAVA_INT_UNALIGNED, 8, t.index());
            try {
                gw.ioctl(fd, VfioAbi.DEVICE_GET_IRQ_INFO, info);
            } catch (ErrnoException e) {
                // vfio-pci answers EINVAL for the error index of a conventional PCI device
                // (vfio_pci_ioctl_get_irq_info): the index is there but has no vectors.
                if (e.errno() == ErrnoException.EINVAL && t.index() >= IrqType.ERR.index()) {
                    return new VfioIrqInfo(t, 0, false, false, false, false);
                }
                throw e;
            }
            int f = info.get(JAVA_INT_UNALIGNED, 4);
            return new VfioIrqInfo(t, info.get(JAVA_INT_UNALIGNED, 12), (f & VfioAbi.IRQ_INFO_EVENTFD) != 0,
                    (f & VfioAbi.IRQ_INFO_MASKABLE) != 0, (f & VfioAbi.IRQ_INFO_AUTOMASKED) != 0,
                    (f & VfioAbi.IRQ_INFO_NORESIZE) != 0);
        }
    }

}
