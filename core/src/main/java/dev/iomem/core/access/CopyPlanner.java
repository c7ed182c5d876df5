package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyStyle;

/**
 * The single home of copy logic: turns {@link AccessRules} into the exact, ascending sequence of
 * device accesses of a copy or fill. Architectures only declare rules; none re-implements a
 * loop. Accesses are decided by the device-side offset alone: the RAM side of a copy may be at
 * any alignment (for s390x, the kernel's syscall path copies through its own aligned buffer).
 *
 * <p>{@link #nextAccess} is the definition of a plan: a copy of {@code n} bytes at device
 * offset {@code off} is {@code nextAccess(off, n)} bytes, then the plan of the rest.
 */
public final class CopyPlanner {

    private CopyPlanner() {
    }

    /**
     * Receives the accesses of a plan.
     */
    @FunctionalInterface
    public interface AccessSink {
        /**
         * One device access.
         *
         * @param ioOffset  its device offset
         * @param rawOffset its offset from the start of the copy (in the RAM buffer)
         * @param bytes     its size
         * @param block     whether it is one block store (otherwise a scalar of {@code bytes})
         */
        void access(long ioOffset, long rawOffset, int bytes, boolean block);
    }

    /**
     * {@return the size in bytes of the next access of a copy or fill}
     *
     * @param rules     the rules of the device memory
     * @param ioOffset  the device offset of the next byte
     * @param remaining the bytes left, at least 1
     * @param store     whether the copy writes the device (block stores apply only to writes)
     */
    public static int nextAccess(AccessRules rules, long ioOffset, long remaining, boolean store) {
        int max = rules.maxCopyWidth().bytes();
        return switch (rules.copyStyle()) {
            case GRADED_EDGES -> graded(ioOffset, remaining, max);
            case BYTE_EDGES -> (ioOffset & (max - 1)) != 0 || remaining < max ? 1 : max;
            case BLOCK_CHUNKS -> chunk(rules, ioOffset, remaining, store);
        };
    }

    /**
     * {@return whether an access of {@code bytes} returned by {@link #nextAccess} is a block store}
     *
     * @param rules the rules
     * @param bytes the access size
     */
    public static boolean isBlock(AccessRules rules, int bytes) {
        return bytes > rules.maxCopyWidth().bytes();
    }

    /**
     * Emits every access of a copy or fill of {@code length} bytes at {@code ioOffset}.
     *
     * @param rules    the rules
     * @param ioOffset the device offset of the first byte
     * @param length   the number of bytes, 0 or more
     * @param store    whether the copy writes the device
     * @param sink     receives each access in order
     * @throws IllegalArgumentException if {@code ioOffset} or {@code length} is negative
     */
    public static void plan(AccessRules rules, long ioOffset, long length, boolean store, AccessSink sink) {
        if (ioOffset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + ioOffset + ", " + length);
        }
        long raw = 0;
        while (raw < length) {
            int n = nextAccess(rules, ioOffset + raw, length - raw, store);
            sink.access(ioOffset + raw, raw, n, isBlock(rules, n));
            raw += n;
        }
    }

    /** {@return the number of accesses of a plan} */
    static long count(AccessRules rules, long ioOffset, long length, boolean store) {
        long[] c = {0};
        plan(rules, ioOffset, length, store, (o, r, b, blk) -> c[0]++);
        return c[0];
    }

    /*
     * x86-64, arch/x86/lib/iomem.c (string_memcpy_toio / _fromio since commit c228d294f204):
     * one byte if the IO address is odd; two if it is 2 mod 4 and n > 1; then "rep movsl" of
     * n/4 dwords, then a word if n & 2, then a byte if n & 1. Generalised to any body width:
     * each lower power of two whose address bit is set, while that many bytes remain.
     */
    private static int graded(long off, long n, int max) {
        for (int w = 1; w < max; w <<= 1) {
            if ((off & w) != 0 && n >= w) {
                return w;
            }
        }
        if (n >= max) {
            return max;
        }
        // Tail: the widest power of two not above what remains (n < max).
        return Integer.highestOneBit((int) n);
    }

    /*
     * s390x, arch/s390/include/asm/pci_io.h zpci_get_max_io_size(): a chunk of
     * min(n, ZPCI_BOUNDARY_SIZE - (addr & ZPCI_BOUNDARY_MASK), max) bytes, max being 128 for
     * writes (ZPCI_MAX_WRITE_SIZE) and 8 for reads (ZPCI_MAX_READ_SIZE). If address and size
     * are 8-aligned the chunk is taken whole (a block store when longer than 8,
     * zpci_memcpy_toio); otherwise 8 bytes, or the largest power of two not above the chunk.
     */
    private static int chunk(AccessRules rules, long off, long n, boolean store) {
        long boundary = rules.boundary();
        int widest = rules.maxCopyWidth().bytes();
        BlockStoreLimits block = store ? rules.blockStore().orElse(null) : null;
        int max = block != null ? block.maxBytes() : widest;
        long size = Math.min(Math.min(n, boundary - (off & (boundary - 1))), max);
        boolean whole = (off & (widest - 1)) == 0 && (size & (widest - 1)) == 0;
        if (whole && size > widest && block.permits(off, size)) {
            return (int) size;                       // zpci_write_block
        }
        if (whole && size <= widest) {
            return (int) size;
        }
        int single = size >= widest ? widest : Integer.highestOneBit((int) size);
        if (rules.naturalAlignment() && off != 0) {
            // The kernel's zPCI path may issue an unaligned 8-byte access; rules that demand
            // natural alignment get the widest access the offset is aligned to instead.
            single = (int) Math.min(single, Long.lowestOneBit(off));
        }
        return single;
    }

    /**
     * {@return a description of the style, for messages}
     *
     * @param style the style
     */
    static String describe(CopyStyle style) {
        return switch (style) {
            case GRADED_EDGES -> "x86 iomem.c: 1/2-byte head, body, 2/1-byte tail";
            case BYTE_EDGES -> "lib/iomem_copy.c: byte head, body, byte tail";
            case BLOCK_CHUNKS -> "zPCI: chunks within 4 KiB, block stores when 8-aligned";
        };
    }
}
