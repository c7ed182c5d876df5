package dev.iomem.core.catalogue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fixture sysfs trees for the catalogue, laid out as the kernel lays them out:
 * {@code sys/devices/pci0000:00/<function>/} with {@code vendor}, {@code device}, {@code class},
 * {@code numa_node}, {@code resource}, {@code config} and {@code resourceN} files, and
 * {@code sys/bus/pci/devices/<function>} links to them.
 */
final class CatalogueSysfs {

    /** IORESOURCE_MEM | SIZEALIGN: a 32-bit memory BAR. */
    static final long MEM32 = 0x00040200L;
    /** IORESOURCE_MEM | PREFETCH | SIZEALIGN and the prefetchable bit: a prefetchable 32-bit memory BAR. */
    static final long MEM32_PREFETCH = 0x00042208L;
    /** IORESOURCE_IO | SIZEALIGN and the I/O space bit. */
    static final long IO = 0x00040101L;

    final Path base;
    final Path root;
    final Path cpuinfo;

    CatalogueSysfs(Path base) {
        this.base = base;
        this.root = base.resolve("sys/bus/pci/devices");
        this.cpuinfo = base.resolve("cpuinfo");
        try {
            Files.createDirectories(root);
            Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Adds a function on host bridge {@code pci0000:00}. {@code bars} are {start, size, flags}
     * triples for BARs 0, 1, ...; {@code null} leaves that BAR empty. Memory BARs get a sparse
     * {@code resourceN} file of the BAR's size.
     *
     * @return the function's real directory
     */
    Path function(String address, long[]... bars) {
        try {
            Path d = base.resolve("sys/devices/pci0000:00").resolve(address);
            Files.createDirectories(d);
            Files.writeString(d.resolve("vendor"), "0x1af4\n");
            Files.writeString(d.resolve("device"), "0x1041\n");
            Files.writeString(d.resolve("class"), "0x020000\n");
            Files.writeString(d.resolve("numa_node"), "-1\n");
            StringBuilder resource = new StringBuilder();
            byte[] config = new byte[256];
            config[0] = (byte) 0xf4;
            config[1] = 0x1a;
            config[2] = 0x41;
            config[3] = 0x10;
            for (int i = 0; i < 7; i++) {
                long[] b = i < bars.length ? bars[i] : null;
                if (b == null) {
                    resource.append(String.format("0x%016x 0x%016x 0x%016x\n", 0L, 0L, 0L));
                    continue;
                }
                resource.append(String.format("0x%016x 0x%016x 0x%016x\n", b[0], b[0] + b[1] - 1, b[2]));
                int register = (b[2] & 0x100) != 0 ? (int) b[0] | 1 : (int) (b[0] & 0xfffffff0L) | (int) (b[2] & 0xf);
                for (int k = 0; k < 4; k++) {
                    config[0x10 + 4 * i + k] = (byte) (register >> (8 * k));
                }
                if ((b[2] & 0x200) != 0) {
                    sparse(d.resolve("resource" + i), b[1]);
                }
            }
            Files.writeString(d.resolve("resource"), resource.toString());
            Files.write(d.resolve("config"), config);
            Files.createSymbolicLink(root.resolve(address), Path.of("../../../devices/pci0000:00").resolve(address));
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }
}
