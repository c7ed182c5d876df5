package dev.iomem.api;

/**
 * How an architecture splits a copy or fill of device memory into device accesses. The
 * device-side address decides every split; accesses are always issued in ascending order and
 * every byte of the range is accessed exactly once.
 */
public enum CopyStyle {
    /**
     * x86-64, {@code arch/x86/lib/iomem.c}: one byte if the device address is odd, then two
     * bytes if it is 2 mod 4 and at least two remain (generally: each power of two below the
     * body width whose bit is set, while enough bytes remain), a body of
     * {@link AccessRules#maxCopyWidth()} accesses, then a tail of halving widths (2, then 1).
     */
    GRADED_EDGES,
    /**
     * Generic and arm64, {@code lib/iomem_copy.c}: single bytes until the device address is
     * aligned to {@link AccessRules#maxCopyWidth()}, a body of that width, then a byte tail.
     */
    BYTE_EDGES,
    /**
     * s390x zPCI, {@code arch/s390/pci/pci_mmio.c} / {@code asm/pci_io.h}: chunks of
     * {@code min(remaining, boundary - (address mod boundary), limit)} bytes; a chunk whose
     * address and length are multiples of 8 and longer than 8 is one block store within
     * {@link AccessRules#blockStore()}, otherwise the access is 8 bytes or the largest power
     * of two not above the chunk. Loads are at most {@link AccessRules#maxCopyWidth()} wide.
     */
    BLOCK_CHUNKS
}
