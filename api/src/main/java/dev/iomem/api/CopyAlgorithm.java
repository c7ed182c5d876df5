package dev.iomem.api;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * An architecture's {@code memcpy_toio}, {@code memcpy_fromio} and {@code memset_io} as data: a
 * head, a body of one width, a tail, which sides of a copy must be aligned for the body, and the
 * fences around and inside it. The copy planner of {@code dev.iomem.core} is the only code that
 * turns it into device accesses, with the rules' boundary and block stores
 * ({@link AccessRules#boundary()}, {@link AccessRules#blockStore()}); the testkit checks every
 * backend against an independent model of the same data. A plugin states its kernel's algorithm
 * with the record's constructor: nothing in this module needs to change.
 *
 * <p>Accesses are always issued in ascending device order and every byte is accessed exactly
 * once. The plan of each access is decided by the device address, and by the RAM address too
 * where {@link #alignsRamSide()} (a fill has no RAM side: it counts as aligned).
 *
 * {@snippet :
 * // powerpc, arch/powerpc/kernel/io.c
 * CopyAlgorithm powerpc = new CopyAlgorithm("powerpc kernel/io.c", CopyEdge.BYTES, Width.INT,
 *         CopyEdge.BYTES, true, EnumSet.of(CopyFence.AROUND, CopyFence.AFTER_EACH_LOAD));
 * }
 *
 * @param name          where the algorithm comes from, for messages, such as {@code "lib/iomem_copy.c"}
 * @param head          how the bytes before the body are accessed
 * @param body          the width of the body's accesses, the widest access of a copy (block stores aside)
 * @param tail          how the bytes after the body are accessed ({@link CopyEdge#BYTES} or {@link CopyEdge#GRADED})
 * @param alignsRamSide whether the body starts only where the RAM address is aligned to the body
 *                      width as well as the device address (powerpc); if the two never line up,
 *                      the head runs to the end
 * @param fences        the barriers every copy or fill of at least one byte gets
 */
public record CopyAlgorithm(String name, CopyEdge head, Width body, CopyEdge tail, boolean alignsRamSide, Set<CopyFence> fences) {

    /**
     * {@code lib/iomem_copy.c}, the generic algorithm (arm64, riscv and every
     * {@code GENERIC_IO_COPY} architecture): single bytes until the device address is 8-aligned,
     * an 8-byte body, a byte tail; no barriers.
     */
    public static final CopyAlgorithm GENERIC = new CopyAlgorithm("lib/iomem_copy.c",
            CopyEdge.BYTES, Width.LONG, CopyEdge.BYTES, false, Set.of());

    /**
     * {@code arch/x86/lib/iomem.c} (since commit c228d294f204): a byte if the device address is
     * odd, two bytes if it is 2 mod 4 and two remain, a body of 4-byte accesses, then 2 and 1
     * bytes; no barriers.
     */
    public static final CopyAlgorithm X86 = new CopyAlgorithm("arch/x86/lib/iomem.c",
            CopyEdge.GRADED, Width.INT, CopyEdge.GRADED, false, Set.of());

    /**
     * s390x zPCI, {@code arch/s390/include/asm/pci_io.h} {@code zpci_memcpy_toio}/{@code _fromio}:
     * with the rules' 4 KiB boundary and block stores, chunks of
     * {@code min(remaining, boundary - (address mod boundary), limit)} bytes; an 8-aligned chunk
     * whose length is a multiple of 8 and longer than 8 is one block store, otherwise the access
     * is 8 bytes wherever it starts, or the widest power of two not above the chunk.
     */
    public static final CopyAlgorithm S390X = new CopyAlgorithm("arch/s390/include/asm/pci_io.h",
            CopyEdge.NONE, Width.LONG, CopyEdge.GRADED, false, Set.of());

    /**
     * powerpc, {@code arch/powerpc/kernel/io.c}: single bytes until both the device and the RAM
     * address are 4-aligned (a fill: the device address), a 4-byte body, a byte tail;
     * {@code sync} before and after, and {@code eieio} after each load of {@code _memcpy_fromio}.
     */
    public static final CopyAlgorithm POWERPC = new CopyAlgorithm("arch/powerpc/kernel/io.c",
            CopyEdge.BYTES, Width.INT, CopyEdge.BYTES, true, EnumSet.of(CopyFence.AROUND, CopyFence.AFTER_EACH_LOAD));

    /**
     * Checks the algorithm.
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the tail is {@link CopyEdge#NONE}
     */
    public CopyAlgorithm {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(tail, "tail");
        if (tail == CopyEdge.NONE) {
            throw new IllegalArgumentException("copy algorithm " + name + ": a tail must be BYTES or GRADED (bytes after the body must be accessed)");
        }
        fences = fences.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(fences));
    }

    /**
     * {@return this algorithm with a narrower body, as a device quirk needs}
     *
     * @param width the body width
     * @throws NullPointerException if {@code width} is {@code null}
     */
    public CopyAlgorithm withBody(Width width) {
        return new CopyAlgorithm(name, head, Objects.requireNonNull(width, "width"), tail, alignsRamSide, fences);
    }

    /**
     * {@return whether the algorithm has the given fence}
     *
     * @param fence the fence
     */
    public boolean has(CopyFence fence) {
        return fences.contains(fence);
    }

    @Override
    public String toString() {
        return name + " (head " + head + ", body " + body + ", tail " + tail + (alignsRamSide ? ", RAM side aligned too" : "")
                + (fences.isEmpty() ? "" : ", fences " + EnumSet.copyOf(fences)) + ")";
    }
}
