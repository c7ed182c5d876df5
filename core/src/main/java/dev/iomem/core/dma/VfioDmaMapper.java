package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaMapper;
import dev.iomem.api.dma.DmaMappingException;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.api.pci.PciTopology;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Maps user memory through the IOMMU with VFIO type1 (Documentation/driver-api/vfio.rst): it
 * opens the container {@code /dev/vfio/vfio} and the device's IOMMU group
 * {@code /dev/vfio/N}, checks the API version and the type1v2 extension, checks that the group
 * is viable, attaches the group to the container, selects {@code VFIO_TYPE1v2_IOMMU}, and reads
 * {@code VFIO_IOMMU_GET_INFO} with its IOVA-range capability. Each {@link #mapUser} takes an
 * IOVA range inside those ranges and below the device's DMA mask, and makes one
 * {@code VFIO_IOMMU_MAP_DMA} for the whole buffer (the kernel pins the pages); closing the
 * table makes one {@code VFIO_IOMMU_UNMAP_DMA}, exactly once.
 *
 * <p>Failures are clear exceptions: EPERM, ENOMEM (pinned memory counts against
 * RLIMIT_MEMLOCK), ENOSPC (vfio_iommu_type1's {@code dma_entry_limit}, 65535 mappings by
 * default), a group that is not viable, a device without an IOMMU group.
 *
 * <p><b>Not run against real VFIO.</b> The machine this was written on has no
 * {@code /dev/vfio}; the ioctl sequence and every structure's bytes are tested through a mocked
 * {@link IoctlGateway}, against the layouts of include/uapi/linux/vfio.h.
 *
 * <p>Closing the mapper unmaps every table it made that is still open, then closes the group
 * and the container. Thread-safe.
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

    private final IoctlGateway gateway;
    private final Path pciDevices;
    private final int group;
    private final int containerFd;
    private final int groupFd;
    private final VfioIommuInfo info;
    private final long iommuPageSize;
    private final IovaAllocator iovas;
    private final Set<DmaOnlySgTable> live = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock state = new ReentrantReadWriteLock();
    private boolean closed; // guarded by state

    private VfioDmaMapper(IoctlGateway gateway, Path pciDevices, int group, int containerFd, int groupFd, VfioIommuInfo info) {
        this.gateway = gateway;
        this.pciDevices = pciDevices;
        this.group = group;
        this.containerFd = containerFd;
        this.groupFd = groupFd;
        this.info = info;
        this.iommuPageSize = info.minPageSize(Libc.pageSize());
        this.iovas = new IovaAllocator(info.iovaRanges().isEmpty() ? ASSUMED_RANGES : info.iovaRanges(), iommuPageSize);
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
        String containerPath = devVfio.resolve("vfio").toString();
        String groupPath = devVfio.resolve(Integer.toString(group)).toString();
        int container = -1;
        int groupFd = -1;
        try {
            container = openFile(gateway, containerPath, "the VFIO container");
            int version = gateway.ioctlWithValue(container, VfioAbi.GET_API_VERSION, 0);
            if (version != VfioAbi.API_VERSION) {
                throw new DmaMappingException("VFIO API version " + version + " is not the version " + VfioAbi.API_VERSION
                        + " iomem speaks");
            }
            if (gateway.ioctlWithValue(container, VfioAbi.CHECK_EXTENSION, VfioAbi.TYPE1V2_IOMMU) <= 0) {
                throw new DmaMappingException("the VFIO container does not offer the type1v2 IOMMU (VFIO_TYPE1v2_IOMMU);"
                        + " load vfio_iommu_type1 (modprobe vfio_iommu_type1)");
            }
            groupFd = openFile(gateway, groupPath, "IOMMU group " + group + " of " + device);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment status = a.allocate(VfioAbi.GROUP_STATUS_SIZE, 8);
                status.set(JAVA_INT, 0, VfioAbi.GROUP_STATUS_SIZE);
                gateway.ioctl(groupFd, VfioAbi.GROUP_GET_STATUS, status);
                if ((status.get(JAVA_INT, 4) & VfioAbi.GROUP_FLAGS_VIABLE) == 0) {
                    throw new DmaMappingException("IOMMU group " + group + " of " + device + " is not viable: bind every"
                            + " device in /sys/kernel/iommu_groups/" + group + "/devices to vfio-pci (or unbind it)");
                }
                MemorySegment fd = a.allocate(JAVA_INT);
                fd.set(JAVA_INT, 0, container);
                gateway.ioctl(groupFd, VfioAbi.GROUP_SET_CONTAINER, fd);
            }
            gateway.ioctlWithValue(container, VfioAbi.SET_IOMMU, VfioAbi.TYPE1V2_IOMMU);
            VfioIommuInfo info = readInfo(gateway, container);
            return new VfioDmaMapper(gateway, pciDevices, group, container, groupFd, info);
        } catch (RuntimeException e) {
            closeQuietly(gateway, groupFd, e);
            closeQuietly(gateway, container, e);
            if (e instanceof ErrnoException errno) {
                throw new DmaMappingException("cannot set up VFIO for " + device + " (IOMMU group " + group + "): "
                        + errno.getMessage(), errno);
            }
            throw e;
        }
    }

    private static int openFile(IoctlGateway gateway, String path, String what) {
        try {
            return gateway.open(path);
        } catch (ErrnoException e) {
            String hint = switch (e.errno()) {
                case ErrnoException.ENOENT -> path + " does not exist: load vfio-pci (modprobe vfio-pci) and bind the"
                        + " device to it";
                case ErrnoException.EACCES, ErrnoException.EPERM -> "permission denied on " + path + ": give this user"
                        + " the device file (chown, udev rule) or run with the privilege to open it";
                case ErrnoException.EBUSY -> path + " is open in another process: VFIO lets one process own a group";
                default -> path + ": " + e.getMessage();
            };
            throw new DmaMappingException("cannot open " + what + ": " + hint, e);
        }
    }

    private static void closeQuietly(IoctlGateway gateway, int fd, Throwable failure) {
        if (fd >= 0) {
            try {
                gateway.close(fd);
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static VfioIommuInfo readInfo(IoctlGateway gateway, int container) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment info = a.allocate(VfioAbi.INFO_SIZE, 8);
            info.set(JAVA_INT, 0, VfioAbi.INFO_SIZE);
            gateway.ioctl(container, VfioAbi.IOMMU_GET_INFO, info);
            long argsz = Integer.toUnsignedLong(info.get(JAVA_INT, 0));
            // The kernel raises argsz to the size the capability chain needs; ask again with it.
            if ((info.get(JAVA_INT, 4) & VfioAbi.INFO_FLAG_CAPS) != 0 && argsz > VfioAbi.INFO_SIZE) {
                if (argsz > (1 << 20)) {
                    throw new DmaMappingException("VFIO_IOMMU_GET_INFO asks for " + argsz + " bytes, more than 1 MiB");
                }
                info = a.allocate(argsz, 8);
                info.set(JAVA_INT, 0, (int) argsz);
                gateway.ioctl(container, VfioAbi.IOMMU_GET_INFO, info);
                if (Integer.toUnsignedLong(info.get(JAVA_INT, 0)) > argsz) {
                    throw new DmaMappingException("VFIO_IOMMU_GET_INFO grew between two calls");
                }
            } else {
                // No room was offered for capabilities: ignore whatever cap_offset says.
                info.set(JAVA_INT, 4, info.get(JAVA_INT, 4) & ~VfioAbi.INFO_FLAG_CAPS);
            }
            try {
                return VfioIommuInfo.parse(info);
            } catch (IllegalArgumentException e) {
                throw new DmaMappingException("VFIO_IOMMU_GET_INFO returned a malformed structure: " + e.getMessage(), e);
            }
        }
    }

    /**
     * {@return the IOMMU group of {@code device}, from its sysfs {@code iommu_group} link}
     *
     * @param pciDevices the sysfs directory of PCI functions
     * @param device     the function
     * @throws DmaMappingException if the device does not exist or has no IOMMU group
     */
    static int iommuGroup(Path pciDevices, PciAddress device) {
        Path dir = pciDevices.resolve(device.toString());
        if (!Files.isDirectory(dir)) {
            throw new DmaMappingException("no PCI device " + device + " in " + pciDevices);
        }
        Path link = dir.resolve("iommu_group");
        try {
            String name = Files.readSymbolicLink(link).getFileName().toString();
            return Integer.parseInt(name);
        } catch (NoSuchFileException e) {
            throw new DmaMappingException(device + " has no IOMMU group: the IOMMU is off or absent (VFIO needs it;"
                    + " enable it with intel_iommu=on / amd_iommu=on, or use pagemap mapping)", e);
        } catch (IOException | NumberFormatException e) {
            throw new DmaMappingException("cannot read the IOMMU group of " + device + " from " + link + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "vfio-type1";
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

    /** {@return what the container reported} */
    public VfioIommuInfo info() {
        return info;
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
                throw new DmaMappingException(device + " is in IOMMU group " + deviceGroup + ", but this VFIO container"
                        + " holds group " + group);
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
        List<IovaRange> r = info.iovaRanges().isEmpty() ? ASSUMED_RANGES : info.iovaRanges();
        return r.toString() + (info.iovaRanges().isEmpty() ? " (assumed: the kernel reported none)" : "");
    }

    private void mapDma(long vaddr, long iova, long length, DmaDirection direction) {
        int flags = (direction.deviceReads() ? VfioAbi.DMA_MAP_FLAG_READ : 0) | (direction.deviceWrites() ? VfioAbi.DMA_MAP_FLAG_WRITE : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment map = a.allocate(VfioAbi.DMA_MAP_SIZE, 8);
            map.set(JAVA_INT_UNALIGNED, 0, VfioAbi.DMA_MAP_SIZE);
            map.set(JAVA_INT_UNALIGNED, 4, flags);
            map.set(JAVA_LONG_UNALIGNED, 8, vaddr);
            map.set(JAVA_LONG_UNALIGNED, 16, iova);
            map.set(JAVA_LONG_UNALIGNED, 24, length);
            gateway.ioctl(containerFd, VfioAbi.IOMMU_MAP_DMA, map);
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
        OptionalInt avail = info.dmaAvailable();
        return avail.isPresent() ? "; " + Integer.toUnsignedString(avail.getAsInt()) + " were left when the container was opened" : "";
    }

    private void unmapDma(long iova, long length) {
        long unmapped;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment unmap = a.allocate(VfioAbi.DMA_UNMAP_SIZE, 8);
            unmap.set(JAVA_INT_UNALIGNED, 0, VfioAbi.DMA_UNMAP_SIZE);
            unmap.set(JAVA_INT_UNALIGNED, 4, 0);
            unmap.set(JAVA_LONG_UNALIGNED, 8, iova);
            unmap.set(JAVA_LONG_UNALIGNED, 16, length);
            gateway.ioctl(containerFd, VfioAbi.IOMMU_UNMAP_DMA, unmap);
            unmapped = unmap.get(JAVA_LONG_UNALIGNED, 16); // the kernel writes back what it unmapped
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
     * Closes every open table this mapper made (each unmaps once), then the group and the
     * container. Later calls do nothing.
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
            for (int fd : new int[] {groupFd, containerFd}) {
                try {
                    gateway.close(fd);
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
