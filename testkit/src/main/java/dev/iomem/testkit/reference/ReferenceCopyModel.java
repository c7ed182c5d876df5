package dev.iomem.testkit.reference;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyStyle;
import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An independent model of the kernel's copy and fill algorithms, one per {@link CopyStyle}: the
 * exact device accesses, in order, that {@code memcpy_toio}, {@code memcpy_fromio} and
 * {@code memset_io} issue for a device range. The conformance kit compares every backend's
 * trace against it. It is written from the kernel sources, not from the copy planner of
 * {@code dev.iomem.core}, so the two check each other.
 *
 * <p>All offsets are device (bus) offsets: the device address decides every split.
 * A fill issues exactly the accesses of a copy to the device of the same range.
 */
public final class ReferenceCopyModel {

    private ReferenceCopyModel() {
    }

    /**
     * {@return the accesses of {@code memcpy_toio} of {@code length} bytes at {@code offset}}
     *
     * @param rules  the architecture's rules
     * @param offset the device offset of the first byte
     * @param length the number of bytes
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static List<PlannedAccess> copyToIo(AccessRules rules, long offset, long length) {
        return plan(rules, offset, length, true);
    }

    /**
     * {@return the accesses of {@code memcpy_fromio} of {@code length} bytes at {@code offset}}
     *
     * @param rules  the architecture's rules
     * @param offset the device offset of the first byte
     * @param length the number of bytes
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static List<PlannedAccess> copyFromIo(AccessRules rules, long offset, long length) {
        return plan(rules, offset, length, false);
    }

    /**
     * {@return the accesses of {@code memset_io} of {@code length} bytes at {@code offset}}:
     * those of {@link #copyToIo} (the kernel never uses one wide native fill on a BAR; s390x
     * fills a buffer and copies it, {@code zpci_memset_io}).
     *
     * @param rules  the architecture's rules
     * @param offset the device offset of the first byte
     * @param length the number of bytes
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static List<PlannedAccess> fillIo(AccessRules rules, long offset, long length) {
        return plan(rules, offset, length, true);
    }

    /**
     * {@return whether the model covers these rules exactly}: every width from one byte up to
     * {@link AccessRules#maxCopyWidth()} must be allowed, since the kernel's algorithms use them
     * all. For other rules (a quirk that forbids 16-bit accesses only, say) the kernel has no
     * algorithm to compare with.
     *
     * @param rules the rules
     */
    public static boolean covers(AccessRules rules) {
        for (Width w : Width.values()) {
            if (w.compareTo(rules.maxCopyWidth()) <= 0 && !rules.allows(w)) {
                return false;
            }
        }
        return true;
    }

    private static List<PlannedAccess> plan(AccessRules rules, long offset, long length, boolean toDevice) {
        Objects.requireNonNull(rules, "rules");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        List<PlannedAccess> out = new ArrayList<>();
        AccessKind kind = toDevice ? AccessKind.STORE : AccessKind.LOAD;
        switch (rules.copyStyle()) {
            case GRADED_EDGES -> gradedEdges(rules, kind, offset, length, out);
            case BYTE_EDGES -> byteEdges(rules, kind, offset, length, out);
            case BLOCK_CHUNKS -> blockChunks(rules, toDevice, offset, length, out);
        }
        return out;
    }

    /*
     * arch/x86/lib/iomem.c, string_memcpy_toio/fromio: a byte if the device address is odd,
     * then a word if it is 2 mod 4 and more than one byte remains, then "rep movsl" (4-byte
     * body), then a word if (n & 2) and a byte if (n & 1). Generalized to a body of
     * maxCopyWidth: each power of two below the body whose address bit is set, while that many
     * bytes remain; a tail of halving widths.
     */
    private static void gradedEdges(AccessRules rules, AccessKind kind, long offset, long length, List<PlannedAccess> out) {
        int body = rules.maxCopyWidth().bytes();
        long at = offset;
        long n = length;
        for (int w = 1; w < body; w <<= 1) {
            if ((at & w) != 0 && n >= w) {
                out.add(new PlannedAccess(kind, at, w));
                at += w;
                n -= w;
            }
        }
        while (n >= body) {
            out.add(new PlannedAccess(kind, at, body));
            at += body;
            n -= body;
        }
        for (int w = body >> 1; w >= 1; w >>= 1) {
            if ((n & w) != 0) {
                out.add(new PlannedAccess(kind, at, w));
                at += w;
                n -= w;
            }
        }
    }

    /*
     * lib/iomem_copy.c (arm64 and every GENERIC_IO_COPY architecture): __raw_readb/writeb while
     * the device address is not long-aligned, __raw_readq/writeq for the body, bytes for the
     * tail. Generalized to a body of maxCopyWidth.
     */
    private static void byteEdges(AccessRules rules, AccessKind kind, long offset, long length, List<PlannedAccess> out) {
        int body = rules.maxCopyWidth().bytes();
        long at = offset;
        long n = length;
        while (n > 0 && at % body != 0) {
            out.add(new PlannedAccess(kind, at, 1));
            at++;
            n--;
        }
        while (n >= body) {
            out.add(new PlannedAccess(kind, at, body));
            at += body;
            n -= body;
        }
        while (n > 0) {
            out.add(new PlannedAccess(kind, at, 1));
            at++;
            n--;
        }
    }

    /*
     * arch/s390/include/asm/pci_io.h, zpci_memcpy_toio/fromio with zpci_get_max_io_size
     * (commit 80df7d6af7f6): each chunk is min(remaining, ZPCI_BOUNDARY_SIZE - (address mod
     * boundary), max) with max = ZPCI_MAX_WRITE_SIZE (128, the block store) for writes and
     * ZPCI_MAX_READ_SIZE (8) for reads. A write chunk that is 8-aligned, a multiple of 8 and
     * longer than 8 is one PCI STORE BLOCK; otherwise the access is 8 bytes, or the largest
     * power of two not above the chunk. Where the rules demand natural alignment the width is
     * further halved until the address is a multiple of it: the kernel's own unaligned 8-byte
     * PCI store is not an access these rules allow.
     */
    private static void blockChunks(AccessRules rules, boolean toDevice, long offset, long length, List<PlannedAccess> out) {
        int scalarMax = rules.maxCopyWidth().bytes();
        BlockStoreLimits block = toDevice ? rules.blockStore().orElse(null) : null;
        long max = block != null ? block.maxBytes() : scalarMax;
        long boundary = rules.boundary() != 0 ? rules.boundary() : Long.MAX_VALUE;
        AccessKind kind = toDevice ? AccessKind.STORE : AccessKind.LOAD;
        long at = offset;
        long n = length;
        while (n > 0) {
            long chunk = Math.min(n, Math.min(boundary - at % boundary, max));
            if (block != null && chunk > scalarMax && at % block.alignment() == 0 && chunk % block.multipleOf() == 0) {
                out.add(new PlannedAccess(AccessKind.STORE_BLOCK, at, (int) chunk));
                at += chunk;
                n -= chunk;
                continue;
            }
            int w = (int) Math.min(scalarMax, Long.highestOneBit(chunk));
            if (rules.naturalAlignment()) {
                while (at % w != 0) {
                    w >>= 1;
                }
            }
            out.add(new PlannedAccess(kind, at, w));
            at += w;
            n -= w;
        }
    }
}
