package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaMappingException;

/**
 * One 64-bit entry of {@code /proc/PID/pagemap}, as Documentation/admin-guide/mm/pagemap.rst
 * lays it out: bits 0-54 the page frame number (PFN) if the page is present, bit 55 soft-dirty,
 * bit 56 exclusively mapped, bit 57 userfaultfd write-protected, bit 61 file page or shared
 * anonymous, bit 62 swapped, bit 63 present. Without CAP_SYS_ADMIN the kernel reports every
 * PFN as 0 (since Linux 4.2, fs/proc/task_mmu.c {@code pm.show_pfn}).
 *
 * @param raw the entry as read
 */
public record PagemapEntry(long raw) {

    /** Bits 0-54: the PFN. */
    public static final long PFN_MASK = (1L << 55) - 1;
    /** Bit 55: soft-dirty. */
    public static final long SOFT_DIRTY = 1L << 55;
    /** Bit 56: the page is exclusively mapped. */
    public static final long EXCLUSIVE = 1L << 56;
    /** Bit 61: a file page or shared anonymous page. */
    public static final long FILE_OR_SHARED = 1L << 61;
    /** Bit 62: the page is swapped (then bits 0-54 are the swap type and offset, not a PFN). */
    public static final long SWAPPED = 1L << 62;
    /** Bit 63: the page is present in RAM. */
    public static final long PRESENT = 1L << 63;

    /** {@return whether the page is present in RAM} */
    public boolean present() {
        return (raw & PRESENT) != 0;
    }

    /** {@return whether the page is swapped out} */
    public boolean swapped() {
        return (raw & SWAPPED) != 0;
    }

    /** {@return whether the page is a file page or shared anonymous} */
    public boolean fileOrShared() {
        return (raw & FILE_OR_SHARED) != 0;
    }

    /** {@return bits 0-54: the PFN if the page is present (0 if hidden), else swap information} */
    public long pfn() {
        return raw & PFN_MASK;
    }

    /**
     * {@return the physical address of the page this entry describes}
     *
     * @param pageSize  the base page size, a power of two
     * @throws DmaMappingException if the page is not present, is swapped, has PFN 0 (the
     *                             message names the missing CAP_SYS_ADMIN privilege), or its
     *                             PFN times the page size does not fit in 63 bits
     */
    public long physicalAddress(long pageSize) {
        return physicalAddress(raw, pageSize, -1);
    }

    /**
     * {@return the physical address of a page from its raw pagemap entry, allocating nothing
     * when the entry is good}
     *
     * @param raw       the entry as read
     * @param pageSize  the base page size, a power of two
     * @param pageIndex the page's index within the mapped buffer, for the message; negative if
     *                  unknown
     * @throws DmaMappingException if the page is not present, is swapped, has PFN 0 (the
     *                             message names the missing CAP_SYS_ADMIN privilege), or its
     *                             PFN times the page size does not fit in 63 bits
     */
    public static long physicalAddress(long raw, long pageSize, long pageIndex) {
        long pfn = raw & PFN_MASK;
        // One test for the good case: present, not swapped, PFN nonzero and small enough.
        if (raw < 0 && (raw & SWAPPED) == 0 && pfn != 0 && pfn <= Long.MAX_VALUE / pageSize) {
            return pfn * pageSize;
        }
        throw refusal(raw, pageSize, pageIndex);
    }

    private static DmaMappingException refusal(long raw, long pageSize, long pageIndex) {
        String page = pageIndex >= 0 ? "page " + pageIndex + " of the buffer" : "the page";
        long pfn = raw & PFN_MASK;
        if ((raw & SWAPPED) != 0) {
            return new DmaMappingException("pagemap says " + page + " is swapped out: DMA memory must be locked in RAM"
                    + " (mlock) before it is mapped");
        }
        if (raw >= 0) {
            return new DmaMappingException("pagemap says " + page + " is not present: DMA memory must be populated and"
                    + " locked (MAP_POPULATE, mlock) before it is mapped");
        }
        if (pfn == 0) {
            return new DmaMappingException("pagemap shows PFN 0 for " + page + ": reading physical addresses from"
                    + " /proc/self/pagemap needs the CAP_SYS_ADMIN privilege (without it the kernel hides every PFN);"
                    + " run as root or with CAP_SYS_ADMIN, or bind the device to vfio-pci and use VFIO");
        }
        return new DmaMappingException("pagemap entry 0x" + Long.toHexString(raw) + " for " + page + " has PFN 0x"
                + Long.toHexString(pfn) + ", too large for a " + pageSize + "-byte page's physical address");
    }
}
