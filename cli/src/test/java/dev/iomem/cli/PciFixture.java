package dev.iomem.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small fixture sysfs tree for the CLI's PCI commands: functions on root buses, optional PCIe switch, resource files. */
final class PciFixture {

    final Path dir;
    final Path root;
    final Path cpuinfo;

    PciFixture(Path dir, String cpuinfoText) throws IOException {
        this.dir = dir;
        this.root = dir.resolve("sys/bus/pci/devices");
        this.cpuinfo = dir.resolve("cpuinfo");
        Files.createDirectories(root);
        Files.writeString(cpuinfo, cpuinfoText);
    }

    /**
     * Adds a function; {@code bars} are {start, size, flags} triples for BARs 0, 1, ...; a
     * {@code null} entry leaves that BAR empty. Memory BARs get resourceN (and resourceN_wc if
     * prefetchable) files when {@code resourceFiles}.
     */
    Path function(String path, int vendor, int device, int cls, boolean resourceFiles, long[]... bars) throws IOException {
        Path d = dir.resolve("sys/devices").resolve(path);
        Files.createDirectories(d);
        String address = d.getFileName().toString();
        Files.writeString(d.resolve("vendor"), String.format("0x%04x\n", vendor));
        Files.writeString(d.resolve("device"), String.format("0x%04x\n", device));
        Files.writeString(d.resolve("class"), String.format("0x%06x\n", cls));
        Files.writeString(d.resolve("numa_node"), "-1\n");
        StringBuilder res = new StringBuilder();
        byte[] config = new byte[256];
        config[0] = (byte) vendor;
        config[1] = (byte) (vendor >> 8);
        config[2] = (byte) device;
        config[3] = (byte) (device >> 8);
        config[0x0e] = (byte) ((cls >> 16) == 6 && ((cls >> 8) & 0xff) == 4 ? 1 : 0);
        for (int i = 0; i < 7; i++) {
            long[] b = i < bars.length ? bars[i] : null;
            if (b == null) {
                res.append(String.format("0x%016x 0x%016x 0x%016x\n", 0L, 0L, 0L));
                continue;
            }
            res.append(String.format("0x%016x 0x%016x 0x%016x\n", b[0], b[0] + b[1] - 1, b[2]));
            int reg = (b[2] & 0x100) != 0 ? (int) b[0] | 1 : (int) (b[0] & 0xfffffff0L) | (int) (b[2] & 0xf);
            put32(config, 0x10 + 4 * i, reg);
            if ((b[2] & 0x100000) != 0) {
                put32(config, 0x14 + 4 * i, (int) (b[0] >>> 32));
            }
            if (resourceFiles && (b[2] & 0x200) != 0) {
                sparse(d.resolve("resource" + i), b[1]);
                if ((b[2] & 0x2000) != 0) {
                    sparse(d.resolve("resource" + i + "_wc"), b[1]);
                }
            }
        }
        Files.writeString(d.resolve("resource"), res.toString());
        Files.write(d.resolve("config"), config);
        Files.createSymbolicLink(root.resolve(address), Path.of("../../../devices").resolve(path));
        return d;
    }

    String[] options() {
        return new String[] {"--sysfs", root.toString(), "--cpuinfo", cpuinfo.toString()};
    }

    private static void put32(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >> (8 * i));
        }
    }

    private static void sparse(Path file, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
    }
}
