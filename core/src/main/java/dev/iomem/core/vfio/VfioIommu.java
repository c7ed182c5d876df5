package dev.iomem.core.vfio;

import dev.iomem.core.dma.IovaRange;
import dev.iomem.core.linux.ErrnoException;

import java.util.List;
import java.util.OptionalInt;

/**
 * The IOMMU address space a VFIO device's DMA goes through: a type1v2 container or an iommufd
 * IOAS. {@link dev.iomem.core.dma.VfioDmaMapper} maps on either through these four operations.
 * Implementations are not thread-safe; the mapper serialises its calls.
 */
public sealed interface VfioIommu extends AutoCloseable permits VfioContainer, IommufdIoas {

    /** {@return which path this is} */
    IommuPath path();

    /** {@return what this is, for messages: for example {@code "VFIO container (type1v2), IOMMU group 5"}} */
    String describe();

    /** {@return the usable IOVA ranges the kernel reported, ascending; empty if it reported none} */
    List<IovaRange> iovaRanges();

    /** {@return the smallest IOVA granule: the IOMMU page size or the IOAS's IOVA alignment} */
    long pageSize();

    /** {@return how many more mappings the IOMMU allows, where the kernel says} */
    OptionalInt dmaAvailable();

    /**
     * Maps {@code length} bytes of this process's memory at {@code vaddr} to {@code iova}; the
     * kernel pins the pages.
     *
     * @param vaddr        the user address
     * @param iova         the I/O virtual address
     * @param length       the length, a multiple of {@link #pageSize()}
     * @param deviceReads  whether the device may read
     * @param deviceWrites whether the device may write
     * @throws ErrnoException if the kernel refuses
     */
    void map(long vaddr, long iova, long length, boolean deviceReads, boolean deviceWrites);

    /**
     * Unmaps a range {@link #map} made.
     *
     * @param iova   the I/O virtual address
     * @param length the length
     * @return the number of bytes the kernel unmapped
     * @throws ErrnoException if the kernel refuses
     */
    long unmap(long iova, long length);

    /** Releases the container or IOAS and its files. Idempotent. */
    @Override
    void close();
}
