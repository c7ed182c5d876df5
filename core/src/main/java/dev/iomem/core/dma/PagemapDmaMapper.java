package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;
import dev.iomem.core.linux.ErrnoException;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciTopology;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Maps user memory for a device behind no IOMMU, where the DMA address is the physical address
 * (the way DPDK's "iova-mode=pa", SPDK's vtophys and ixy do it):
 * <ol>
 *   <li>the pages are locked ({@code mlock}, unless iomem already holds them locked, as it does
 *       for {@link DmaBuffers} memory), so that they are present and not swapped;</li>
 *   <li>{@code /proc/self/pagemap} is read for the whole range in large batches
 *       ({@link PagemapReads#BATCHED}) and each entry decoded by {@link PagemapEntry}: a page
 *       that is not present, swapped or shows PFN 0 is refused, and PFN 0 is what every page
 *       shows without CAP_SYS_ADMIN, so the error names that privilege;</li>
 *   <li>physically contiguous pages are coalesced by {@link DmaTableBuilder} within the
 *       constraints.</li>
 * </ol>
 * Closing the table unlocks exactly once the pages that no other iomem holder keeps locked. Any
 * failure leaves nothing locked that the call locked.
 *
 * <p>What this cannot promise: Linux may migrate even locked pages (compaction moves mlocked
 * pages unless {@code vm.compact_unevictable_allowed=0}; memory hot-unplug and NUMA balancing
 * can too), which changes their physical address under the device. VFIO pins pages for real
 * ({@link VfioDmaMapper}); pagemap DMA is for machines without an IOMMU, tests, and devices
 * that DPDK would drive in PA mode. It has been run on this project's x86-64 test machine
 * (as root), not with a device attached.
 *
 * <p>Close a table before the arena of its memory: once the memory is unmapped its physical
 * pages belong to someone else. The mapper holds no state and is thread-safe.
 */
public final class PagemapDmaMapper implements DmaMapper {

    private final Path pagemap;
    private final long pageSize;
    private final PagemapReads reads;
    private final boolean checkPrivilege;

    private PagemapDmaMapper(Path pagemap, long pageSize, PagemapReads reads, boolean checkPrivilege) {
        this.pagemap = pagemap;
        this.pageSize = pageSize;
        this.reads = reads;
        this.checkPrivilege = checkPrivilege;
    }

    /** {@return a mapper over this process's pagemap with batched reads} */
    public static PagemapDmaMapper create() {
        return create(PagemapReads.BATCHED);
    }

    /**
     * {@return a mapper over this process's pagemap}
     *
     * @param reads batched reads, or one read per page (for benchmarks)
     * @throws NullPointerException if {@code reads} is {@code null}
     */
    public static PagemapDmaMapper create(PagemapReads reads) {
        return new PagemapDmaMapper(PagemapReader.SELF, Libc.pageSize(), Objects.requireNonNull(reads, "reads"), true);
    }

    /**
     * {@return a mapper that reads its entries from {@code file} instead of
     * {@code /proc/self/pagemap}} (tests: a fake pagemap with chosen entries; the memory is still
     * locked for real)
     *
     * @param file a file laid out like a pagemap, indexed by this process's virtual page numbers
     */
    static PagemapDmaMapper withPagemapFile(Path file) {
        return new PagemapDmaMapper(file, Libc.pageSize(), PagemapReads.BATCHED, false);
    }

    @Override
    public String name() {
        return "pagemap";
    }

    /** {@return {@link DmaAddressSpace#PHYSICAL}: without an IOMMU the IOVA is the physical address} */
    @Override
    public DmaAddressSpace addressSpace() {
        return DmaAddressSpace.PHYSICAL;
    }

    /** {@return how this mapper reads the pagemap} */
    public PagemapReads reads() {
        return reads;
    }

    /**
     * Fails unless this process can read physical addresses from {@code /proc/self/pagemap}:
     * the kernel hides every PFN from a process without CAP_SYS_ADMIN. Called before anything
     * is allocated or locked, so that an unprivileged run fails first and cleanly.
     *
     * @throws DmaMappingException if this process lacks CAP_SYS_ADMIN
     */
    public void checkPrivilege() {
        if (!ProcSelfStatus.hasEffective(ProcSelfStatus.CAP_SYS_ADMIN)) {
            throw new DmaMappingException("pagemap DMA mapping needs the CAP_SYS_ADMIN privilege: without it the kernel"
                    + " shows every physical page frame in /proc/self/pagemap as 0; run as root or with CAP_SYS_ADMIN,"
                    + " or bind the device to vfio-pci and use VFIO");
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>The table's addresses are physical; it names {@code device}, which this mapper needs
     * for nothing else.
     */
    @Override
    public DmaOnlySgTable mapUser(PciAddress device, MemorySegment buffer, DmaDirection direction, DmaConstraints constraints) {
        Objects.requireNonNull(device, "device");
        return map(device, buffer, direction, constraints);
    }

    /**
     * Pins user memory and returns its physical addresses, for no particular device (the
     * {@code iomem map} command, tests, benchmarks).
     *
     * @param buffer      native memory of this process, page aligned
     * @param direction   the direction of the DMA
     * @param constraints what the device can address
     * @return the table; closing it unlocks the memory
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code buffer} is not native, is empty, or is not
     *                                  page aligned
     * @throws IllegalStateException    if {@code buffer}'s arena is closed
     * @throws DmaMappingException      if the memory cannot be locked (RLIMIT_MEMLOCK) or
     *                                  translated (no CAP_SYS_ADMIN, a page not present), or an
     *                                  address lies outside the constraints; nothing is left
     *                                  locked
     */
    public DmaOnlySgTable mapUser(MemorySegment buffer, DmaDirection direction, DmaConstraints constraints) {
        return map(null, buffer, direction, constraints);
    }

    private DmaOnlySgTable map(PciAddress device, MemorySegment buffer, DmaDirection direction, DmaConstraints constraints) {
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(constraints, "constraints");
        checkBuffer(buffer, pageSize);
        if (checkPrivilege) {
            checkPrivilege();
        }
        long address = buffer.address();
        long size = buffer.byteSize();
        long pages = (size + pageSize - 1) / pageSize;
        if (pages > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer of " + size + " bytes has more than 2^31 pages");
        }
        LockedRanges.Hold hold;
        try {
            hold = LockedRanges.lock(address, pages * pageSize);
        } catch (ErrnoException e) {
            throw DmaBuffers.memlockFailure("cannot lock the " + SizeText.of(size) + " buffer for DMA", e);
        }
        try {
            DmaTableBuilder builder = DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, constraints, direction, device, false);
            translate(address, size, (int) pages, builder);
            return builder.build(() -> release(hold));
        } catch (RuntimeException | Error e) {
            try {
                hold.release();
            } catch (ErrnoException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void translate(long address, long size, int pages, DmaTableBuilder builder) {
        long[] entries = new long[Math.min(pages, PagemapReader.BATCH_PAGES)];
        try (PagemapReader reader = PagemapReader.open(pagemap, pageSize)) {
            for (int first = 0; first < pages; first += entries.length) {
                int n = Math.min(entries.length, pages - first);
                long va = address + (long) first * pageSize;
                if (reads == PagemapReads.BATCHED) {
                    reader.readBatched(va, entries, 0, n);
                } else {
                    reader.readPerPage(va, entries, 0, n);
                }
                for (int i = 0; i < n; i++) {
                    long page = (long) first + i;
                    long physical = PagemapEntry.physicalAddress(entries[i], pageSize, page);
                    long length = Math.min(pageSize, size - page * pageSize);
                    builder.add(physical, length);
                }
            }
        } catch (AccessDeniedException e) {
            throw new DmaMappingException("cannot open " + pagemap + ": permission denied; reading physical addresses"
                    + " needs the CAP_SYS_ADMIN privilege (run as root), or use VFIO", e);
        } catch (IOException e) {
            throw new DmaMappingException("cannot read " + pagemap + ": " + e.getMessage(), e);
        }
    }

    private static void release(LockedRanges.Hold hold) {
        try {
            hold.release();
        } catch (ErrnoException e) {
            // ENOMEM: the memory is no longer mapped (its arena was closed first), so nothing of
            // it is locked any more. Anything else is a real failure to unlock.
            if (e.errno() != ErrnoException.ENOMEM) {
                throw new DmaMappingException("cannot unlock DMA memory: " + e.getMessage(), e);
            }
        }
    }

    static void checkBuffer(MemorySegment buffer, long pageSize) {
        if (!buffer.isNative()) {
            throw new IllegalArgumentException("DMA buffer must be native memory, not a heap segment");
        }
        // Its address would name freed memory, or memory that now belongs to someone else.
        if (!buffer.scope().isAlive()) {
            throw new IllegalStateException("the DMA buffer's arena is closed: its memory is freed");
        }
        if (buffer.byteSize() == 0) {
            throw new IllegalArgumentException("DMA buffer is empty");
        }
        if ((buffer.address() & (pageSize - 1)) != 0) {
            throw new IllegalArgumentException("DMA buffer must start on a page boundary (" + pageSize + " bytes)");
        }
    }

    /**
     * Maps a range of a peer's BAR for DMA by {@code client}, routed through this machine's
     * sysfs PCI topology as the kernel's {@code calc_map_type_and_dist} routes it. Without an IOMMU, a route through the host bridge gives {@link DmaAddressSpace#PHYSICAL} CPU
     * addresses of the BAR; a route through a switch gives {@link DmaAddressSpace#PCI_BUS} bus addresses.
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5, the BAR is absent or I/O
     *                                  space, a function does not exist, or the range is not
     *                                  inside the BAR
     * @throws DmaMappingException      if there is no route (the message names it and why), or
     *                                  an address lies outside the DMA mask: MMIO cannot bounce
     */
    @Override
    public DmaOnlySgTable mapPciBar(PciAddress provider, int bar, long offset, long length, PciAddress client, DmaConstraints constraints) {
        return mapPciBar(PeerBarMapping.systemTopology(), provider, bar, offset, length, client, constraints);
    }

    /**
     * Maps a peer BAR range as {@link #mapPciBar(PciAddress, int, long, long, PciAddress, DmaConstraints)}
     * does, routed through the given topology instead of this machine's sysfs.
     *
     * @param topology    the PCI topology to route through
     * @param provider    the function whose BAR is the target
     * @param bar         the BAR index, 0 to 5
     * @param offset      the offset of the range within the BAR
     * @param length      the length of the range
     * @param client      the function that will perform the DMA
     * @param constraints what the client can address
     * @return the table
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5, the BAR is absent or I/O
     *                                  space, a function does not exist, or the range is not
     *                                  inside the BAR
     * @throws DmaMappingException      if there is no route (the message names it and why), or
     *                                  an address lies outside the constraints
     */
    public DmaOnlySgTable mapPciBar(PciTopology topology, PciAddress provider, int bar, long offset, long length,
                                    PciAddress client, DmaConstraints constraints) {
        return PeerBarMapping.map(name(), false, topology, provider, bar, offset, length, client, constraints);
    }
}
