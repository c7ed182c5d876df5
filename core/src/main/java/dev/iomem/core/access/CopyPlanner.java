package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.CopyEdge;

/**
 * The single home of copy logic: turns {@link AccessRules} (their {@link CopyAlgorithm}, boundary
 * and block stores) into the exact, ascending sequence of device accesses of a copy or fill.
 * Architectures only declare rules; none re-implements a loop.
 *
 * <p>{@link #nextAccess} is the definition of a plan: a copy of {@code n} bytes at device
 * offset {@code off} and RAM address {@code ram} is {@code nextAccess(off, ram, n)} bytes, then
 * the plan of the rest. The RAM address matters only to algorithms that align the RAM side
 * ({@link CopyAlgorithm#alignsRamSide()}); a fill, which has no RAM side, passes its
 * device offset, so that only the device side decides.
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
     * @param rules      the rules of the device memory
     * @param ioOffset   the device offset of the next byte
     * @param ramAddress the RAM address of the next byte (a fill: the device offset)
     * @param remaining  the bytes left, at least 1
     * @param store      whether the copy writes the device (block stores apply only to writes)
     */
    public static int nextAccess(AccessRules rules, long ioOffset, long ramAddress, long remaining, boolean store) {
        CopyAlgorithm algorithm = rules.copyAlgorithm();
        int body = algorithm.body().bytes();
        long limit = remaining;
        long boundary = rules.boundary();
        if (boundary != 0) {
            limit = Math.min(limit, boundary - (ioOffset & (boundary - 1)));
        }
        BlockStoreLimits block = store ? rules.blockStore().orElse(null) : null;
        if (block != null) {
            // zpci_memcpy_toio: the chunk is also capped by the block store; an aligned chunk whose
            // length is a multiple of the body and longer than it is one block store.
            long chunk = Math.min(limit, block.maxBytes());
            if (chunk > body && (ioOffset & (body - 1)) == 0 && (chunk & (body - 1)) == 0 && block.permits(ioOffset, chunk)) {
                return (int) chunk;
            }
        }
        int w = scalar(algorithm, body, ioOffset, ramAddress, limit);
        if (rules.naturalAlignment() && ioOffset != 0 && (ioOffset & (w - 1)) != 0) {
            // An algorithm that starts its body anywhere (s390x's) under rules that demand
            // natural alignment gets the widest access the offset is aligned to instead.
            w = (int) Math.min(w, Long.lowestOneBit(ioOffset));
        }
        return w;
    }

    private static int scalar(CopyAlgorithm a, int body, long io, long ram, long n) {
        long misaligned = (io | (a.alignsRamSide() ? ram : 0)) & (body - 1);
        if (misaligned != 0) {
            switch (a.head()) {
                case BYTES -> {
                    return 1;
                }
                case GRADED -> {
                    // arch/x86/lib/iomem.c: each lower power of two whose address bit is set, while
                    // that many bytes remain.
                    for (int w = 1; w < body; w <<= 1) {
                        if ((io & w) != 0 && n >= w) {
                            return w;
                        }
                    }
                }
                case NONE -> {
                    // zpci_get_max_io_size: the body width wherever the address stands.
                }
            }
        }
        if (n >= body) {
            return body;
        }
        return a.tail() == CopyEdge.BYTES ? 1 : Integer.highestOneBit((int) n);
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
     * @param rules      the rules
     * @param ioOffset   the device offset of the first byte
     * @param ramAddress the RAM address of the first byte (a fill: the device offset)
     * @param length     the number of bytes, 0 or more
     * @param store      whether the copy writes the device
     * @param sink       receives each access in order
     * @throws IllegalArgumentException if {@code ioOffset} or {@code length} is negative
     */
    public static void plan(AccessRules rules, long ioOffset, long ramAddress, long length, boolean store, AccessSink sink) {
        if (ioOffset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length: " + ioOffset + ", " + length);
        }
        long raw = 0;
        while (raw < length) {
            int n = nextAccess(rules, ioOffset + raw, ramAddress + raw, length - raw, store);
            sink.access(ioOffset + raw, raw, n, isBlock(rules, n));
            raw += n;
        }
    }

    /** {@return the number of accesses of a plan} */
    static long count(AccessRules rules, long ioOffset, long ramAddress, long length, boolean store) {
        long[] c = {0};
        plan(rules, ioOffset, ramAddress, length, store, (o, r, b, blk) -> c[0]++);
        return c[0];
    }
}
