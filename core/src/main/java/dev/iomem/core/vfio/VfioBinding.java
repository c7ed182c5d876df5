package dev.iomem.core.vfio;

import dev.iomem.api.pci.PciAddress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Binds PCI functions to vfio-pci and back, as {@code dpdk-devbind} does: write the driver's
 * name to the function's {@code driver_override}, unbind it from its current driver, and ask
 * the kernel to probe it again ({@code drivers_probe}). Unbinding clears {@code driver_override}
 * and probes again, so the function's own driver takes it back.
 *
 * <p>A function bound to another driver is refused unless forced: taking a device from its
 * driver under a mounted file system or a live network interface is how data is lost.
 */
public final class VfioBinding {

    /** The driver's name in sysfs. */
    public static final String VFIO_PCI = "vfio-pci";

    private final Path pciDevices;
    private final Path pciBus;

    /**
     * Creates a binding over a sysfs tree.
     *
     * @param pciBus the sysfs PCI bus directory ({@code /sys/bus/pci}), holding {@code devices/},
     *               {@code drivers/} and {@code drivers_probe}
     */
    public VfioBinding(Path pciBus) {
        this.pciBus = Objects.requireNonNull(pciBus, "pciBus");
        this.pciDevices = pciBus.resolve("devices");
    }

    /** {@return a binding over this machine's {@code /sys/bus/pci}} */
    public static VfioBinding system() {
        return new VfioBinding(Path.of("/sys/bus/pci"));
    }

    /**
     * {@return the name of the driver bound to {@code device}, if any}
     *
     * @param pciDevices the sysfs directory of PCI functions
     * @param device     the function
     */
    public static Optional<String> driverOf(Path pciDevices, PciAddress device) {
        Path link = pciDevices.resolve(device.toString()).resolve("driver");
        try {
            return Optional.of(Files.readSymbolicLink(link).getFileName().toString());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new VfioException("cannot read the driver of " + device + " from " + link + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@return the name of the function's VFIO device cdev ({@code vfioN} under
     * {@code /dev/vfio/devices}), where the kernel made one}
     *
     * @param pciDevices the sysfs directory of PCI functions
     * @param device     the function
     */
    public static Optional<String> cdevName(Path pciDevices, PciAddress device) {
        Path dir = pciDevices.resolve(device.toString()).resolve("vfio-dev");
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vfio")).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** {@return the driver bound to {@code device}, if any} @param device the function */
    public Optional<String> driver(PciAddress device) {
        return driverOf(pciDevices, device);
    }

    /**
     * Binds {@code device} to vfio-pci. Does nothing if it is bound already.
     *
     * @param device the function
     * @param force  whether to take the device from another driver
     * @return the driver it was taken from, if any
     * @throws VfioException if the function does not exist, is bound to another driver and
     *                       {@code force} is false (nothing is written), vfio-pci is not loaded,
     *                       or the kernel refuses (then {@code driver_override} is cleared again)
     */
    public Optional<String> bind(PciAddress device, boolean force) {
        Path dir = existing(device);
        Optional<String> current = driver(device);
        if (current.isPresent() && current.get().equals(VFIO_PCI)) {
            return Optional.empty();
        }
        if (current.isPresent() && !force) {
            throw new VfioException(device + " is in use by driver " + current.get() + "; unbinding it may stop whatever"
                    + " uses the device: pass --force to take it anyway");
        }
        if (!Files.isDirectory(pciBus.resolve("drivers").resolve(VFIO_PCI))) {
            throw new VfioException("vfio-pci is not loaded (no " + pciBus.resolve("drivers").resolve(VFIO_PCI)
                    + "): modprobe vfio-pci vfio_iommu_type1");
        }
        write(dir.resolve("driver_override"), VFIO_PCI, device);
        try {
            if (current.isPresent()) {
                write(dir.resolve("driver").resolve("unbind"), device.toString(), device);
            }
            write(pciBus.resolve("drivers_probe"), device.toString(), device);
            Optional<String> now = driver(device);
            if (now.isEmpty() || !now.get().equals(VFIO_PCI)) {
                throw new VfioException("the kernel did not bind " + device + " to vfio-pci (its driver is "
                        + now.orElse("none") + "); see dmesg: vfio-pci refuses a device without an IOMMU group");
            }
            return current;
        } catch (RuntimeException e) {
            try {
                write(dir.resolve("driver_override"), "\n", device);
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Unbinds {@code device} from vfio-pci and lets the kernel probe it again for its own driver.
     *
     * @param device the function
     * @return the driver that took it afterwards, if any
     * @throws VfioException if the function does not exist, is not bound to vfio-pci (nothing is
     *                       written), or a sysfs write fails
     */
    public Optional<String> unbind(PciAddress device) {
        Path dir = existing(device);
        Optional<String> current = driver(device);
        if (current.isEmpty() || !current.get().equals(VFIO_PCI)) {
            throw new VfioException(device + " is not bound to vfio-pci (" + current.map(d -> "its driver is " + d)
                    .orElse("it has no driver") + ")");
        }
        write(dir.resolve("driver").resolve("unbind"), device.toString(), device);
        write(dir.resolve("driver_override"), "\n", device);
        write(pciBus.resolve("drivers_probe"), device.toString(), device);
        return driver(device);
    }

    private Path existing(PciAddress device) {
        Objects.requireNonNull(device, "device");
        Path dir = pciDevices.resolve(device.toString());
        if (!Files.isDirectory(dir)) {
            throw new VfioException("no PCI function " + device + " in " + pciDevices);
        }
        return dir;
    }

    private static void write(Path file, String text, PciAddress device) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new VfioException("cannot write '" + text.strip() + "' to " + file + " for " + device + ": "
                    + (e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage())
                    + (e instanceof java.nio.file.AccessDeniedException ? " (binding drivers needs root)" : ""), e);
        }
    }
}
