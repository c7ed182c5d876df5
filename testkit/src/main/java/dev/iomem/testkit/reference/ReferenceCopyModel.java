package dev.iomem.testkit.reference;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.CopyEdge;
import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An independent model of the kernel's copy and fill algorithms as the rules declare them
 * ({@link CopyAlgorithm}: head, body, tail, RAM-side alignment; the rules' boundary and block
 * stores): the exact device accesses, in order, that {@code memcpy_toio}, {@code memcpy_fromio}
 * and {@code memset_io} issue for a device range. The conformance kit compares every backend's
 * trace against it. It is written phase by phase the way the kernel's C loops read (head loop,
 * body loop, tail loop; s390x's chunk loop), not from the copy planner of {@code dev.iomem.core},
 * which decides one access at a time, so the two check each other.
 *
 * <p>All offsets are device (bus) offsets. A fill issues the accesses of a copy to the device
 * of the same range whose RAM side is aligned (it has none).
 */
public final class ReferenceCopyModel {

    private ReferenceCopyModel() {
    }

    /**
     * {@return the accesses of {@code memcpy_toio} of {@code length} bytes at {@code offset} from
     * RAM at {@code ramAddress}}
     *
     * @param rules      the architecture's rules
     * @param offset     the device offset of the first byte
     * @param ramAddress the RAM address of the first byte (only algorithms that align the RAM
     *                   side look at it; a heap segment's address is its offset in the array)
     * @param length     the number of bytes
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static List<PlannedAccess> copyToIo(AccessRules rules, long offset, long ramAddress, long length) {
        return plan(rules, offset, ramAddress, length, true);
    }

    /**
     * {@return the accesses of {@code memcpy_fromio} of {@code length} bytes at {@code offset}
     * into RAM at {@code ramAddress}}
     *
     * @param rules      the architecture's rules
     * @param offset     the device offset of the first byte
     * @param ramAddress the RAM address of the first byte
     * @param length     the number of bytes
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static List<PlannedAccess> copyFromIo(AccessRules rules, long offset, long ramAddress, long length) {
        return plan(rules, offset, ramAddress, length, false);
    }

    /**
     * {@return the accesses of {@code memset_io} of {@code length} bytes at {@code offset}}: those
     * of {@link #copyToIo} from an aligned RAM side (the kernel never uses one wide native fill on
     * a BAR; s390x fills a buffer and copies it, {@code zpci_memset_io}).
     *
     * @param rules  the architecture's rules
     * @param offset the device offset of the first byte
     * @param length the number of bytes
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     */
    public static List<PlannedAccess> fillIo(AccessRules rules, long offset, long length) {
        return plan(rules, offset, offset, length, true); // no RAM side: it moves with the device side
    }

    /**
     * {@return whether the model covers these rules exactly}: every width from one byte up to
     * {@link AccessRules#maxCopyWidth()} must be allowed, since the kernel's algorithms use them
     * all, and block stores belong to an algorithm without a head ({@link CopyEdge#NONE}, s390x's).
     * For other rules (a quirk that forbids 16-bit accesses only, say) the kernel has no
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
        return rules.blockStore().isEmpty() || rules.copyAlgorithm().head() == CopyEdge.NONE;
    }

    private static List<PlannedAccess> plan(AccessRules rules, long offset, long ram, long length, boolean toDevice) {
        Objects.requireNonNull(rules, "rules");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative: " + offset + ", " + length);
        }
        List<PlannedAccess> out = new ArrayList<>();
        if (rules.copyAlgorithm().head() == CopyEdge.NONE) {
            chunks(rules, toDevice, offset, length, out);
        } else {
            phases(rules, toDevice ? AccessKind.STORE : AccessKind.LOAD, offset, ram, length, out);
        }
        return out;
    }

    /*
     * A head loop, a body loop and a tail loop, as arch/x86/lib/iomem.c, lib/iomem_copy.c and
     * arch/powerpc/kernel/io.c are written:
     * - x86 (GRADED head and tail): a byte if the device address is odd, then a word if it is 2
     *   mod 4 and more than one byte remains, "rep movsl", then a word if (n & 2), a byte if (n & 1);
     * - lib/iomem_copy.c (BYTES): bytes while the device address is not body-aligned, the body,
     *   bytes;
     * - powerpc (BYTES, RAM side aligned too): bytes while either address is not 4-aligned, u32
     *   while n >= 4, bytes.
     */
    private static void phases(AccessRules rules, AccessKind kind, long offset, long ram, long length, List<PlannedAccess> out) {
        CopyAlgorithm a = rules.copyAlgorithm();
        int body = a.body().bytes();
        long at = offset;
        long r = ram;
        long n = length;
        if (a.head() == CopyEdge.BYTES) {
            while (n > 0 && (at % body != 0 || (a.alignsRamSide() && r % body != 0))) {
                out.add(new PlannedAccess(kind, at, 1));
                at++;
                r++;
                n--;
            }
        } else {
            for (int w = 1; w < body; w <<= 1) {
                if ((at & w) != 0 && n >= w) {
                    out.add(new PlannedAccess(kind, at, w));
                    at += w;
                    r += w;
                    n -= w;
                }
            }
        }
        while (n >= body) {
            out.add(new PlannedAccess(kind, at, body));
            at += body;
            n -= body;
        }
        if (a.tail() == CopyEdge.BYTES) {
            while (n > 0) {
                out.add(new PlannedAccess(kind, at, 1));
                at++;
                n--;
            }
        } else {
            for (int w = body >> 1; w >= 1; w >>= 1) {
                if ((n & w) != 0) {
                    out.add(new PlannedAccess(kind, at, w));
                    at += w;
                    n -= w;
                }
            }
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
    private static void chunks(AccessRules rules, boolean toDevice, long offset, long length, List<PlannedAccess> out) {
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
