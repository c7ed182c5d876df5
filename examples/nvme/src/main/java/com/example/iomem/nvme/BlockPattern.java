package com.example.iomem.nvme;

/**
 * The known pattern the block test writes: byte {@code j} of logical block {@code lba} is
 * {@code (byte) (seed * 17 + lba * 31 + j * 7 + (j >>> 8))}. The lab's host check
 * ({@code dev.iomem.lab.host.NvmeDiskCheck}) computes the same bytes to find them in the disk image.
 */
public final class BlockPattern {
    private BlockPattern() {
    }

    /** {@return byte {@code j} of block {@code lba}} */
    public static byte at(int seed, long lba, int j) {
        return (byte) (seed * 17 + lba * 31 + j * 7 + (j >>> 8));
    }
}
