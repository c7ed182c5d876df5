package dev.iomem.api;

/**
 * How a {@link CopyAlgorithm} treats the bytes before its body (the head, until the sides it
 * aligns are aligned to the body width) and after it (the tail, fewer bytes than the body).
 */
public enum CopyEdge {
    /** Single bytes ({@code lib/iomem_copy.c}, powerpc {@code kernel/io.c}). */
    BYTES,
    /**
     * Graded powers of two ({@code arch/x86/lib/iomem.c}): a head takes, for each power of two
     * below the body width whose bit is set in the device address, that many bytes while that
     * many remain (x86: a byte if the address is odd, then two bytes if it is 2 mod 4); a tail
     * takes the widest power of two not above what remains, then the next (x86: 2, then 1).
     */
    GRADED,
    /**
     * No head at all: the body width wherever the device address stands, or the widest power of
     * two not above what remains (s390x {@code zpci_get_max_io_size}). Only a head may be
     * {@code NONE}.
     */
    NONE
}
