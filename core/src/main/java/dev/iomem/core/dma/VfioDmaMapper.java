package dev.iomem.core.dma;


import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciTopology;
import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.linux.Libc;
import dev.iomem.core.vfio.IoctlGateway;
import dev.iomem.core.vfio.IommuPath;
import dev.iomem.core.vfio.VfioAbi;
import dev.iomem.core.vfio.VfioContainer;
import dev.iomem.core.vfio.VfioDevice;
import dev.iomem.core.vfio.VfioException;
import dev.iomem.core.vfio.VfioIommu;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;


/**
 * Maps user memory for DMA through the IOMMU with VFIO: on a type1v2 container
 * ({@link VfioContainer}) or on an iommufd IOAS ({@link dev.iomem.core.vfio.IommufdIoas}), the same code either
 * way. Each {@link #mapUser} takes an IOVA range inside the IOMMU's reported ranges and below
 * the device's DMA mask, and makes one map call for the whole buffer (the kernel pins the
 * pages); closing the table makes one unmap call, exactly once.
 *
 * <p>{@link #open(PciAddress)} opens a container of its own for a device's group; a
 * {@link dev.iomem.core.vfio.VfioDevice} hands out a mapper on the container or IOAS it opened
 * ({@link dev.iomem.core.vfio.VfioDevice#dmaMapper()}), which its close releases.
 *
 * <p>Failures are clear exceptions: EPERM, ENOMEM (pinned memory counts against
 * RLIMIT_MEMLOCK), ENOSPC (vfio_iommu_type1's {@code dma_entry_limit}, 65535 mappings by
 * default), a group that is not viable, a device without an IOMMU group.
 *
 * <p>Closing the mapper unmaps every table it made that is still open, then releases the
 * container if it owns it. Thread-safe.
 */
public final class VfioDmaMapper implements DmaMapper, AutoCloseable {

    /** The directory of VFIO's device files. */
    public static final Path DEV_VFIO = Path.of("/dev/vfio");
    /** The directory of PCI functions in sysfs. */
    public static final Path SYSFS_PCI_DEVICES = Path.of("/sys/bus/pci/devices");

    /**
     * The IOVA ranges assumed when the kernel reports none (before Linux 5.4): 48 bits, without
     * page 0 and without the x86 MSI window 0xfee00000-0xfeefffff.
     */
    private static final List<IovaRange> ASSUMED_RANGES = List.of(
            new IovaRange(0, 0xfedf_ffffL), new IovaRange(0xfef0_0000L, (1L << 48) - 1));

    private final VfioIommu iommu;
    private final boolean ownsIommu;
    private final Path pciDevices;
    private final int group;
    private final long iommuPageSize;
    private final IovaAllocator iovas;
    private final Set<DmaOnlySgTable> live = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
    private boolean closed; // guarded by state

    private VfioDmaMapper(VfioIommu iommu, boolean ownsIommu, Path pciDevices, int group) {
        this.iommu = iommu;
        this.ownsIommu = ownsIommu;
        this.pciDevices = pciDevices;
        this.group = group;
        this.iommuPageSize = Math.max(iommu.pageSize(), 1);
        this.iovas = new IovaAllocator(iommu.iovaRanges().isEmpty() ? ASSUMED_RANGES : iommu.iovaRanges(), iommuPageSize);
    }

    /**
     * Opens a VFIO type1 container for the IOMMU group of {@code device}.
     *
     * @param device a PCI function bound to vfio-pci
     * @return the mapper; close it to unmap everything and release the group
     * @throws NullPointerException if {@code device} is {@code null}
     * @throws DmaMappingException  if the device has no IOMMU group, VFIO is absent, the group
     *                              cannot be opened or is not viable, or the container refuses
     *                              type1v2; nothing is left open
     */
    public static VfioDmaMapper open(PciAddress device) {
        return open(device, IoctlGateway.system(), DEV_VFIO, SYSFS_PCI_DEVICES);
    }

    /**
     * Opens a VFIO type1 container through {@code gateway}, with the device files under
     * {@code devVfio} and the PCI functions under {@code pciDevices}.
     *
     * @param device     a PCI function bound to vfio-pci
     * @param gateway    makes the system calls
     * @param devVfio    the directory of the VFIO device files ({@code /dev/vfio})
     * @param pciDevices the sysfs directory of PCI functions ({@code /sys/bus/pci/devices})
     * @return the mapper
     * @throws NullPointerException if an argument is {@code null}
     * @throws DmaMappingException  if the device has no IOMMU group, VFIO is absent, the group
     *                              cannot be opened or is not viable, or the container refuses
     *                              type1v2; nothing is left open
     */
    public static VfioDmaMapper open(PciAddress device, IoctlGateway gateway, Path devVfio, Path pciDevices) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(devVfio, "devVfio");
        Objects.requireNonNull(pciDevices, "pciDevices");
        int group = iommuGroup(pciDevices, device);
        try {
            VfioContainer container = VfioContainer.open(gateway, devVfio, group, device, Libc.pageSize());
            return new VfioDmaMapper(container, true, pciDevices, group);
        } catch (VfioException e) {
            throw new DmaMappingException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
    }

    /**
     * A mapper on a container or IOAS someone else owns (a {@link dev.iomem.core.vfio.VfioDevice}):
     * closing the mapper unmaps its tables but leaves {@code iommu} open.
     *
     * @param iommu      the container or IOAS
     * @param group      the IOMMU group whose devices may use the tables
     * @param pciDevices the sysfs directory of PCI functions
     * @return the mapper
     * @throws NullPointerException if an argument is {@code null}
     */
    public static VfioDmaMapper on(VfioIommu iommu, int group, Path pciDevices) {
        return new VfioDmaMapper(Objects.requireNonNull(iommu, "iommu"), false, Objects.requireNonNull(pciDevices, "pciDevices"), group);
    }

    /**
     * {@return the IOMMU group of {@code device}, from its sysfs {@code iommu_group} link}
     *
     * @param pciDevices the sysfs directory of PCI functions
     * @param device     the function
     * @throws DmaMappingException if the device does not exist or has no IOMMU group
     */
    static int iommuGroup(Path pciDevices, PciAddress device) {
        try {
            return VfioDevice.iommuGroup(pciDevices, device);
        } catch (VfioException e) {
            throw new DmaMappingException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
    }

    @Override
    public String name() {
        return iommu.path() == IommuPath.IOMMUFD ? "vfio-iommufd" : "vfio-type1";
    }

    /** {@return {@link DmaAddressSpace#IOVA}: the device sees addresses the IOMMU translates} */
    @Override
    public DmaAddressSpace addressSpace() {
        return DmaAddressSpace.IOVA;
    }

    /** {@return the IOMMU group this mapper's container holds} */
    public int group() {
        return group;
    }

    /** {@return the container or IOAS this mapper maps on} */
    public VfioIommu iommu() {
        return iommu;
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code VFIO_IOMMU_MAP_DMA} maps the whole buffer (rounded up to the IOMMU page size)
     * at one IOVA range; the table splits that range as the constraints require.
     *
     * @throws IllegalStateException if this mapper is closed, or {@code buffer}'s arena is closed
     */
    @Override
    public DmaOnlySgTable mapUser(PciAddress device, MemorySegment buffer, DmaDirection direction, DmaConstraints constraints) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(constraints, "constraints");
        PagemapDmaMapper.checkBuffer(buffer, Math.max(iommuPageSize, Libc.pageSize()));
        state.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the VFIO mapper is closed");
            }
            int deviceGroup = iommuGroup(pciDevices, device);
            if (deviceGroup != group) {
                throw new DmaMappingException(device + " is in IOMMU group " + deviceGroup + ", but this mapper's "
                        + iommu.path().label() + " path holds group " + group);
            }
            long size = buffer.byteSize();
            long length = (size + iommuPageSize - 1) & -iommuPageSize;
            if (length < size) {
                throw new IllegalArgumentException("DMA buffer of " + size + " bytes is too large");
            }
            long alignment = Math.max(iommuPageSize, constraints.alignment());
            OptionalLong found = iovas.allocate(length, alignment, constraints.dmaMask());
            if (found.isEmpty()) {
                throw new DmaMappingException("no free IOVA range of " + SizeText.of(length) + " below the device's "
                        + constraints.addressBits() + "-bit DMA mask 0x" + Long.toHexString(constraints.dmaMask())
                        + " within the IOMMU's ranges " + rangesText() + "; close DMA tables or map less");
            }
            long iova = found.getAsLong();
            try {
                mapDma(buffer.address(), iova, length, direction);
            } catch (RuntimeException e) {
                iovas.release(iova, length);
                throw e;
            }
            try {
                DmaTableBuilder builder = DmaTableBuilder.create(DmaAddressSpace.IOVA, constraints, direction, device, false);
                builder.add(iova, size);
                DmaOnlySgTable[] self = new DmaOnlySgTable[1];
                DmaOnlySgTable table = builder.build(() -> {
                    try {
                        unmapDma(iova, length);
                    } finally {
                        live.remove(self[0]);
                    }
                });
                self[0] = table;
                live.add(table);
                return table;
            } catch (RuntimeException e) {
                try {
                    unmapDma(iova, length);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } finally {
            state.readLock().unlock();
        }
    }

    private String rangesText() {
        List<IovaRange> r = iommu.iovaRanges().isEmpty() ? ASSUMED_RANGES : iommu.iovaRanges();
        return r.toString() + (iommu.iovaRanges().isEmpty() ? " (assumed: the kernel reported none)" : "");
    }

    private void mapDma(long vaddr, long iova, long length, DmaDirection direction) {
        try {
            iommu.map(vaddr, iova, length, direction.deviceReads(), direction.deviceWrites());
        } catch (ErrnoException e) {
            throw mapFailure(e, length);
        }
    }

    private DmaMappingException mapFailure(ErrnoException e, long length) {
        String what = "VFIO could not map " + SizeText.of(length) + " for DMA (" + e.getMessage() + ")";
        return switch (e.errno()) {
            case ErrnoException.ENOMEM -> DmaBuffers.memlockFailure(what + ": VFIO pins the pages and counts them"
                    + " against RLIMIT_MEMLOCK", e);
            case ErrnoException.ENOSPC -> new DmaMappingException(what + ": the container has reached vfio_iommu_type1's"
                    + " dma_entry_limit (" + VfioAbi.DEFAULT_DMA_ENTRY_LIMIT + " mappings by default" + availableText()
                    + "); close DMA tables, map fewer larger buffers, or raise it with"
                    + " 'modprobe vfio_iommu_type1 dma_entry_limit=N'", e);
            case ErrnoException.EPERM -> new DmaMappingException(what + ": not permitted; only the process that set up"
                    + " the container may map, and pinning needs the CAP_IPC_LOCK privilege or enough RLIMIT_MEMLOCK", e);
            case ErrnoException.EEXIST -> new DmaMappingException(what + ": the IOVA range overlaps a mapping iomem did"
                    + " not make in this container", e);
            case ErrnoException.EINVAL -> new DmaMappingException(what + ": the address, IOVA and size must be"
                    + " multiples of the IOMMU page size " + iommuPageSize, e);
            default -> new DmaMappingException(what, e);
        };
    }

    private String availableText() {
        OptionalInt avail = iommu.dmaAvailable();
        return avail.isPresent() ? "; " + Integer.toUnsignedString(avail.getAsInt()) + " were left when the container was opened" : "";
    }

    private void unmapDma(long iova, long length) {
        long unmapped;
        try {
            unmapped = iommu.unmap(iova, length);
        } catch (ErrnoException e) {
            throw new DmaMappingException("VFIO could not unmap IOVA 0x" + Long.toHexString(iova) + " + "
                    + SizeText.of(length) + ": " + e.getMessage(), e);
        }
        if (unmapped != length) {
            throw new DmaMappingException("VFIO unmapped " + unmapped + " bytes at IOVA 0x" + Long.toHexString(iova)
                    + ", not the " + length + " iomem mapped");
        }
        iovas.release(iova, length);
    }

    /** {@return the number of tables this mapper made that are still open} */
    public int openTables() {
        return live.size();
    }

    /**
     * Maps a range of a peer's BAR for DMA by {@code client}, routed through this machine's
     * sysfs PCI topology as the kernel's {@code calc_map_type_and_dist} routes it. A route through a switch gives {@link DmaAddressSpace#PCI_BUS} bus addresses; a route
     * through the host bridge would need the BAR mapped into the IOMMU, which is not done yet, so
     * it is refused with that reason.
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
        return PeerBarMapping.map(name(), true, topology, provider, bar, offset, length, client, constraints);
    }

    /**
     * Closes every open table this mapper made (each unmaps once), then the container if this
     * mapper opened it. Later calls do nothing.
     *
     * @throws DmaMappingException if an unmap or a close failed; everything else is still done
     */
    @Override
    public void close() {
        state.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            List<RuntimeException> failures = new ArrayList<>();
            for (DmaOnlySgTable t : List.copyOf(live)) {
                try {
                    t.close();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            if (ownsIommu) {
                try {
                    iommu.close();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }
            if (!failures.isEmpty()) {
                DmaMappingException e = new DmaMappingException("closing the VFIO mapper of group " + group + ": "
                        + failures.getFirst().getMessage(), failures.getFirst());
                failures.stream().skip(1).forEach(e::addSuppressed);
                throw e;
            }
        } finally {
            state.writeLock().unlock();
        }
    }
}
