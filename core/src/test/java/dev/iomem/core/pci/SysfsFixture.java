package dev.iomem.core.pci;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a fixture sysfs tree in a temporary directory, laid out as the kernel lays it out:
 * {@code sys/devices/pciDDDD:BB/<bridge>/.../<function>/} with {@code vendor}, {@code device},
 * {@code class}, {@code resource}, {@code config}, {@code numa_node}, {@code driver} and
 * {@code iommu_group} links, and {@code sys/bus/pci/devices/<function>} links to them.
 */
final class SysfsFixture {

    /** Kernel resource flags of a 32-bit memory BAR: IORESOURCE_MEM | SIZEALIGN. */
    static final long MEM32 = 0x00040200L;
    /** A 64-bit non-prefetchable memory BAR, as this machine's virtio BARs: MEM | MEM_64 | SIZEALIGN | type 64. */
    static final long MEM64 = 0x00140204L;
    /** A 64-bit prefetchable memory BAR: MEM | PREFETCH | MEM_64 | SIZEALIGN | type 64 | prefetch. */
    static final long MEM64_PREFETCH = 0x0014220cL;
    /** An I/O BAR: IORESOURCE_IO | SIZEALIGN | I/O space bit. */
    static final long IO = 0x00040101L;

    static final String AMD_ZEN3 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 1\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n";
    static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n";
    static final String AMD_K10 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 16\n";

    final Path sys;
    final Path root;
    final Path cpuinfo;

    SysfsFixture(Path dir, String cpuinfoText) {
        sys = dir.resolve("sys");
        root = sys.resolve("bus/pci/devices");
        cpuinfo = dir.resolve("cpuinfo");
        try {
            Files.createDirectories(root);
            Files.writeString(cpuinfo, cpuinfoText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    SysfsPciTopology open() {
        return SysfsPciTopology.open(root, cpuinfo);
    }

    /**
     * Starts a function.
     *
     * @param hostBridge such as {@code pci0000:00}
     * @param path       the upstream bridges from the root port down, then the function itself
     */
    Function function(String hostBridge, String... path) {
        return new Function(hostBridge, List.of(path));
    }

    record BarSpec(int index, long start, long size, long flags, long busAddress) {
    }

    final class Function {
        final String hostBridge;
        final List<String> path;
        final String address;
        int vendor = 0x1af4;
        int device = 0x1041;
        int classCode = 0x020000;
        int headerType = 0;
        String driver;
        Integer iommuGroup;
        String numaNode = "-1";
        Integer pcieType = 0; // endpoint
        Integer acsControl;
        int configLength = 4096;
        final List<BarSpec> bars = new ArrayList<>();
        boolean resourceFiles;
        String resourceOverride;
        byte[] configOverride;

        Function(String hostBridge, List<String> path) {
            this.hostBridge = hostBridge;
            this.path = path;
            this.address = path.getLast();
        }

        Function ids(int vendorId, int deviceId, int cls) {
            vendor = vendorId;
            device = deviceId;
            classCode = cls;
            return this;
        }

        /** A PCIe port (header type 1, class 0x0604xx) of the given PCIe type. */
        Function bridge(int type) {
            classCode = 0x060400;
            headerType = 1;
            pcieType = type;
            driver = "pcieport";
            return this;
        }

        Function driver(String name) {
            driver = name;
            return this;
        }

        Function iommuGroup(int group) {
            iommuGroup = group;
            return this;
        }

        Function numa(String node) {
            numaNode = node;
            return this;
        }

        Function acs(int control) {
            acsControl = control;
            return this;
        }

        Function conventionalPci() {
            configLength = 256;
            pcieType = null;
            return this;
        }

        Function configLength(int n) {
            configLength = n;
            return this;
        }

        Function bar(int index, long start, long size, long flags) {
            return bar(index, start, size, flags, start);
        }

        Function bar(int index, long start, long size, long flags, long busAddress) {
            bars.add(new BarSpec(index, start, size, flags, busAddress));
            return this;
        }

        Function withResourceFiles() {
            resourceFiles = true;
            return this;
        }

        Function resourceText(String text) {
            resourceOverride = text;
            return this;
        }

        Function configBytes(byte[] bytes) {
            configOverride = bytes;
            return this;
        }

        Path directory() {
            Path d = sys.resolve("devices").resolve(hostBridge);
            for (String p : path) {
                d = d.resolve(p);
            }
            return d;
        }

        Path create() {
            try {
                Path d = directory();
                Files.createDirectories(d);
                Files.writeString(d.resolve("vendor"), String.format("0x%04x\n", vendor));
                Files.writeString(d.resolve("device"), String.format("0x%04x\n", device));
                Files.writeString(d.resolve("class"), String.format("0x%06x\n", classCode));
                Files.writeString(d.resolve("numa_node"), numaNode + "\n");
                Files.writeString(d.resolve("resource"), resourceOverride != null ? resourceOverride : resourceText(), StandardCharsets.US_ASCII);
                Files.write(d.resolve("config"), configOverride != null ? configOverride : config());
                if (driver != null) {
                    Files.createSymbolicLink(d.resolve("driver"), Path.of("../../../bus/pci/drivers/" + driver));
                }
                if (iommuGroup != null) {
                    Files.createSymbolicLink(d.resolve("iommu_group"), Path.of("../../../kernel/iommu_groups/" + iommuGroup));
                }
                if (resourceFiles) {
                    for (BarSpec b : bars) {
                        if ((b.flags() & 0x200) != 0) {
                            sparse(d.resolve("resource" + b.index()), b.size());
                            if ((b.flags() & 0x2000) != 0) {
                                sparse(d.resolve("resource" + b.index() + "_wc"), b.size());
                            }
                        }
                    }
                }
                Path up = Path.of("../../..").resolve(sys.relativize(d));
                Files.createSymbolicLink(root.resolve(address), up);
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void sparse(Path file, long size) throws IOException {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(size);
            }
        }

        String resourceText() {
            long[][] lines = new long[7][3];
            for (BarSpec b : bars) {
                lines[b.index()] = new long[] {b.start(), b.start() + b.size() - 1, b.flags()};
            }
            StringBuilder sb = new StringBuilder();
            for (long[] l : lines) {
                sb.append(String.format("0x%016x 0x%016x 0x%016x\n", l[0], l[1], l[2]));
            }
            return sb.toString();
        }

        byte[] config() {
            byte[] c = new byte[configLength];
            put16(c, 0, vendor);
            put16(c, 2, device);
            c[0x09] = (byte) classCode;
            c[0x0a] = (byte) (classCode >> 8);
            c[0x0b] = (byte) (classCode >> 16);
            c[0x0e] = (byte) headerType;
            for (BarSpec b : bars) {
                long bus = b.busAddress();
                if ((b.flags() & 0x100) != 0) {
                    put32(c, 0x10 + 4 * b.index(), (int) bus | 0x1);
                } else {
                    int low = (int) (bus & 0xfffffff0L);
                    if ((b.flags() & 0x100000) != 0) {
                        low |= 0x4;
                        put32(c, 0x10 + 4 * (b.index() + 1), (int) (bus >>> 32));
                    }
                    if ((b.flags() & 0x2000) != 0) {
                        low |= 0x8;
                    }
                    put32(c, 0x10 + 4 * b.index(), low);
                }
            }
            if (pcieType != null && configLength >= 256) {
                put16(c, 0x06, 0x10); // capability list
                c[0x34] = 0x40;
                c[0x40] = 0x10; // PCI Express
                c[0x41] = 0x00;
                put16(c, 0x42, 0x2 | pcieType << 4);
            }
            if (acsControl != null && configLength == 4096) {
                put32(c, 0x100, 0x000d | 1 << 16);
                put16(c, 0x104, 0x5f);
                put16(c, 0x106, acsControl);
            }
            return c;
        }
    }

    static void put16(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
    }

    static void put32(byte[] b, int at, int v) {
        put16(b, at, v);
        put16(b, at + 2, v >>> 16);
    }
}
