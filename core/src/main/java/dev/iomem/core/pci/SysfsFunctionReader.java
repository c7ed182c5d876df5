package dev.iomem.core.pci;

import dev.iomem.api.pci.Bar;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciDevice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads one function's sysfs directory, {@code <root>/<dddd:bb:dd.f>}. The directory name is
 * always {@link PciAddress#toString()} of a parsed address: nothing else ever becomes a path.
 */
final class SysfsFunctionReader {

    /** The largest attribute file read (sysfs attributes are at most a page). */
    private static final int MAX_ATTRIBUTE_BYTES = 4096;
    /** The largest config file read (PCI Express extended configuration space). */
    private static final int MAX_CONFIG_BYTES = ConfigSpaceParser.PCIE_LENGTH;

    private final Path root;

    SysfsFunctionReader(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** {@return the function's directory: the root and the canonical address, nothing else} */
    Path directory(PciAddress address) {
        return root.resolve(address.toString());
    }

    /**
     * Reads the function.
     *
     * @throws MalformedSysfsFileException if a file's content is malformed
     * @throws UncheckedIOException        if a file cannot be read
     */
    SysfsFunction read(PciAddress address) {
        Path dir = directory(address);
        if (!Files.isDirectory(dir)) {
            String message = dir + ": no such PCI function directory";
            throw new UncheckedIOException(message, new NoSuchFileException(message));
        }
        // Where the directory really is comes first: a link that leads out of the device tree
        // (not ending in the address, no host bridge above it) is refused before any file under
        // it is read.
        CanonicalPath canonical = canonicalPath(dir, address);
        int vendor = AttributeFileParser.parseHex(dir.resolve("vendor").toString(), text(dir.resolve("vendor")), 0xffff);
        int device = AttributeFileParser.parseHex(dir.resolve("device").toString(), text(dir.resolve("device")), 0xffff);
        int classCode = AttributeFileParser.parseHex(dir.resolve("class").toString(), text(dir.resolve("class")), 0xffffff);
        List<Bar> bars = ResourceFileParser.parseBars(dir.resolve("resource").toString(), text(dir.resolve("resource")));
        Optional<String> driver = link(dir.resolve("driver")).map(t -> AttributeFileParser.linkName(dir.resolve("driver").toString(), t));
        OptionalInt group = link(dir.resolve("iommu_group"))
                .map(t -> OptionalInt.of(AttributeFileParser.parseLinkNumber(dir.resolve("iommu_group").toString(), t)))
                .orElse(OptionalInt.empty());
        OptionalInt numa = numaNode(dir.resolve("numa_node"));
        Path configFile = dir.resolve("config");
        ConfigSpace config = ConfigSpaceParser.parse(configFile.toString(), bytes(configFile, MAX_CONFIG_BYTES));
        PciDevice pci = new PciDevice(address, vendor, device, classCode, driver, bars, group, numa,
                canonical.bridges(), canonical.hostBridge());
        return new SysfsFunction(pci, config);
    }

    private record CanonicalPath(String hostBridge, List<PciAddress> bridges) {
    }

    /**
     * Walks the device's real path ({@code /sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0})
     * back from the function: every component is an upstream bridge until the host bridge
     * ({@code pciDDDD:BB}) is reached.
     */
    private static CanonicalPath canonicalPath(Path dir, PciAddress address) {
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot resolve the device's canonical path: " + e.getMessage(), e);
        }
        int n = real.getNameCount();
        if (n == 0 || !real.getFileName().toString().equals(address.toString())) {
            throw new MalformedSysfsFileException(dir.toString(), "its canonical path " + real + " does not end in " + address);
        }
        List<PciAddress> bridges = new ArrayList<>();
        for (int i = n - 2; i >= 0; i--) {
            String name = real.getName(i).toString();
            if (isHostBridgeName(name)) {
                return new CanonicalPath(name, bridges.reversed());
            }
            PciAddress bridge = name.length() == 12 ? tryParse(name) : null;
            if (bridge == null) {
                throw new MalformedSysfsFileException(dir.toString(), "its canonical path " + real + " has \""
                        + AttributeFileParser.printable(name) + "\" where a bridge address or host bridge (pciDDDD:BB) belongs");
            }
            bridges.add(bridge);
        }
        throw new MalformedSysfsFileException(dir.toString(), "its canonical path " + real + " has no host bridge (pciDDDD:BB)");
    }

    private static PciAddress tryParse(String name) {
        try {
            return PciAddress.parse(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@return whether {@code name} is a host bridge's sysfs name: pci, 4 or more hex digits, a colon, 2 hex digits} */
    static boolean isHostBridgeName(String name) {
        if (!name.startsWith("pci") || name.length() < 10 || name.length() > 16) {
            return false;
        }
        int colon = name.length() - 3;
        if (name.charAt(colon) != ':') {
            return false;
        }
        for (int i = 3; i < name.length(); i++) {
            if (i != colon && ResourceFileParser.hexDigit(name.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static OptionalInt numaNode(Path file) {
        if (!Files.exists(file)) {
            return OptionalInt.empty();
        }
        int node = AttributeFileParser.parseDecimal(file.toString(), text(file));
        if (node < -1) {
            throw new MalformedSysfsFileException(file.toString(), "NUMA node " + node + " is neither -1 (unknown) nor a node number");
        }
        return node < 0 ? OptionalInt.empty() : OptionalInt.of(node);
    }

    private static Optional<String> link(Path file) {
        if (!Files.isSymbolicLink(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readSymbolicLink(file).toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the link: " + e.getMessage(), e);
        }
    }

    private static String text(Path file) {
        return new String(bytes(file, MAX_ATTRIBUTE_BYTES), StandardCharsets.ISO_8859_1);
    }

    /**
     * Reads at most {@code max} bytes; a longer file is malformed. Attribute files are regular
     * files in sysfs, never links: a link is refused (and not followed, so a link planted in a
     * copied tree cannot make a file elsewhere be read, or quoted in an error message).
     */
    private static byte[] bytes(Path file, int max) {
        if (Files.isSymbolicLink(file)) {
            throw new MalformedSysfsFileException(file.toString(), "is a symbolic link, where sysfs has a regular file");
        }
        try (var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new MalformedSysfsFileException(file.toString(), "is longer than " + max + " bytes");
            }
            return b;
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException(file + ": missing", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
