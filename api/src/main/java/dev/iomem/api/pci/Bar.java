package dev.iomem.api.pci;

/**
 * One base address register of a PCI function, as sysfs {@code resource} reports it: the CPU
 * physical range and the kernel's {@code IORESOURCE_*} flags.
 *
 * @param index      the BAR index, 0 to 5
 * @param start      the first CPU physical address
 * @param end        the last CPU physical address (inclusive), or 0 if the BAR is absent
 * @param flags      the kernel's resource flags ({@code include/linux/ioport.h})
 */
public record Bar(int index, long start, long end, long flags) {

    /** {@code IORESOURCE_IO}: the BAR is I/O port space. */
    public static final long IORESOURCE_IO = 0x100;
    /** {@code IORESOURCE_MEM}: the BAR is memory space. */
    public static final long IORESOURCE_MEM = 0x200;
    /** {@code IORESOURCE_PREFETCH}: the memory is prefetchable. */
    public static final long IORESOURCE_PREFETCH = 0x2000;
    /** {@code IORESOURCE_MEM_64}: the BAR is a 64-bit memory BAR. */
    public static final long IORESOURCE_MEM_64 = 0x100000;

    /**
     * Checks the index.
     *
     * @throws IllegalArgumentException if {@code index} is not 0 to 5, or {@code end < start}
     *                                  for a present BAR
     */
    public Bar {
        if (index < 0 || index > 5) {
            throw new IllegalArgumentException("BAR index " + index + " is not 0 to 5");
        }
        if ((start != 0 || end != 0) && Long.compareUnsigned(end, start) < 0) {
            throw new IllegalArgumentException("BAR " + index + " ends (0x" + Long.toHexString(end) + ") before it starts (0x" + Long.toHexString(start) + ")");
        }
    }

    /** {@return whether the BAR is implemented (non-empty)} */
    public boolean present() {
        return !(start == 0 && end == 0) && (flags & (IORESOURCE_IO | IORESOURCE_MEM)) != 0;
    }

    /** {@return the size in bytes, 0 if absent} */
    public long size() {
        return present() ? end - start + 1 : 0;
    }

    /** {@return whether this is a memory BAR} */
    public boolean isMemory() {
        return (flags & IORESOURCE_MEM) != 0;
    }

    /** {@return whether this is an I/O port BAR} */
    public boolean isIo() {
        return (flags & IORESOURCE_IO) != 0;
    }

    /** {@return whether this is a 64-bit memory BAR} */
    public boolean is64Bit() {
        return (flags & IORESOURCE_MEM_64) != 0;
    }

    /** {@return whether the memory is prefetchable (and so may be mapped write-combining)} */
    public boolean isPrefetchable() {
        return (flags & IORESOURCE_PREFETCH) != 0;
    }
}
