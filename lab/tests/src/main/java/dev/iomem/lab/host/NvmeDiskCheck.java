package dev.iomem.lab.host;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * After the guest is gone: the blocks the NVMe example wrote (listed by the guest in
 * {@code nvme-blocks.tsv}: label, first LBA, blocks, block size, seed, reported serial, reported
 * namespace size) are on the controller's disk image, byte for byte, and the Identify fields the
 * example reported are those QEMU was given (the serial, and a namespace as large as the image).
 * The pattern is examples/nvme's {@code BlockPattern}: byte {@code j} of block {@code lba} is
 * {@code (byte) (seed * 17 + lba * 31 + j * 7 + (j >>> 8))}.
 */
final class NvmeDiskCheck {

    private NvmeDiskCheck() {
    }

    static void check(Path results, String disk, String serial, JunitReport report) throws IOException {
        Path list = results.resolve("nvme-blocks.tsv");
        if (!Files.isRegularFile(list)) {
            return;
        }
        if (disk == null || !Files.isRegularFile(Path.of(disk))) {
            report.fail("the NVMe example's blocks are on the disk image", "no disk image at " + disk);
            return;
        }
        long size = Files.size(Path.of(disk));
        List<String> lines = Files.readAllLines(list);
        try (RandomAccessFile f = new RandomAccessFile(disk, "r")) {
            for (String line : lines) {
                if (line.isBlank()) {
                    continue;
                }
                String[] c = line.split("\t");
                String label = c[0];
                long lba = Long.parseLong(c[1]);
                int blocks = Integer.parseInt(c[2]);
                int bs = Integer.parseInt(c[3]);
                int seed = Integer.parseInt(c[4]);
                String name = "NVMe example (" + label + "): " + blocks + " blocks at LBA " + lba + " are on the disk image";
                byte[] b = new byte[bs];
                String problem = null;
                for (int k = 0; k < blocks && problem == null; k++) {
                    f.seek((lba + k) * bs);
                    f.readFully(b);
                    for (int j = 0; j < bs; j++) {
                        byte want = (byte) (seed * 17 + (lba + k) * 31 + j * 7 + (j >>> 8));
                        if (b[j] != want) {
                            problem = String.format("block %d byte %d: 0x%02x on the image, 0x%02x written", lba + k, j, b[j], want);
                            break;
                        }
                    }
                }
                if (problem == null) {
                    report.pass(name);
                } else {
                    report.fail(name, problem);
                }
                String id = "NVMe example (" + label + "): reported serial and namespace size are QEMU's";
                long nsBytes = Long.parseLong(c[6]) * bs;
                if (c[5].equals(serial) && nsBytes == size) {
                    report.pass(id + " (" + serial + ", " + size + " bytes)");
                } else {
                    report.fail(id, "reported serial " + c[5] + " and " + nsBytes + " bytes; QEMU has serial " + serial + " and a "
                            + size + "-byte image");
                }
            }
        }
        System.out.println("  NVMe example: " + lines.size() + " block runs checked on " + disk);
    }
}
