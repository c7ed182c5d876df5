package dev.iomem.core.vfio;

import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.IoPlatform;
import dev.iomem.core.Iomem;
import dev.iomem.core.dma.VfioDmaMapper;
import dev.iomem.core.linux.ErrnoException;
import dev.iomem.core.linux.Libc;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * A PCI function opened through VFIO: its regions as {@link IoAccessor}s, its config space, its
 * interrupts through eventfds, its reset, and DMA through its IOMMU.
 *
 * {@snippet :
 * try (VfioDevice edu = VfioDevice.open(PciAddress.parse("0000:00:04.0"))) {
 *     edu.config().enableMemoryAndBusMaster();
 *     IoAccessor bar0 = edu.bar(0);
 *     int ident = bar0.read32(0x00);                       // 0x010000ed
 *     try (VfioInterrupts irq = edu.enableInterrupts(IrqType.MSI, 1)) {
 *         bar0.write32(0x20, 0x80);                          // interrupt when done
 *         bar0.write32(0x08, 5);                             // 5!
 *         irq.await(0, Duration.ofSeconds(1));
 *     }
 * }
 * }
 *
 * <p><b>Opening.</b> Everything about the function is checked in sysfs before a file is opened:
 * that it exists, that it has an IOMMU group and that vfio-pci is its driver. Then the IOMMU path
 * is chosen ({@link #iommuPath()}, {@link #iommuPathReason()}): the device's iommufd character
 * device where the kernel has {@code /dev/iommu} and {@code /dev/vfio/devices/vfioN}, else the
 * group and a type1v2 container. A failure anywhere leaves nothing open.
 *
 * <p><b>Regions.</b> A BAR the kernel lets user space map whole is mapped ({@code mmap} of the
 * device file) and driven by the architecture's own bus. A BAR it maps only in parts (a sparse
 * mmap) has those parts mapped and the rest driven through {@link VfioRegionBus}, one
 * {@code pread}/{@code pwrite} per access; a BAR it does not map (older s390x kernels, an I/O
 * BAR) is driven through that bus alone. The backend's rules hold either way.
 *
 * <p><b>Closing</b> goes in reverse: interrupts off, accessors closed and BARs unmapped, DMA
 * tables unmapped, the device file closed, then the IOAS or container. Not thread-safe for
 * opening and closing; the accessors follow their own rules.
 */
public final class VfioDevice implements AutoCloseable {


    private final PciAddress address;
    private final VfioDeviceOptions options;
    private final IoctlGateway gateway;
    private final int group;
    private final VfioIommu iommu;
    private final String pathReason;
    private final int deviceFd;
    private final boolean resettable;
    private final List<VfioRegion> regions;
    private final List<VfioIrqInfo> irqs;
    private final List<IoAccessor> accessors = new ArrayList<>();
    private final List<Arena> mappings = new ArrayList<>();
    private VfioInterrupts interrupts;
    private VfioDmaMapper dmaMapper;
    private VfioConfigSpace config;
    private boolean closed;

    VfioDevice(PciAddress address, VfioDeviceOptions options, int group, VfioIommu iommu, String pathReason, int deviceFd,
                       boolean resettable, List<VfioRegion> regions, List<VfioIrqInfo> irqs) {
        this.address = address;
        this.options = options;
        this.gateway = options.gateway();
        this.group = group;
        this.iommu = iommu;
        this.pathReason = pathReason;
        this.deviceFd = deviceFd;
        this.resettable = resettable;
        this.regions = regions;
        this.irqs = irqs;
    }

    /**
     * Opens a function bound to vfio-pci, on the path the kernel offers.
     *
     * @param address the function
     * @return the device; close it to release everything
     * @throws NullPointerException if {@code address} is {@code null}
     * @throws VfioException        if the function does not exist, has no IOMMU group, is not
     *                              bound to vfio-pci, its group is not viable, or VFIO refuses a
     *                              step; nothing is left open
     */
    public static VfioDevice open(PciAddress address) {
        return open(address, VfioDeviceOptions.defaults());
    }

    /**
     * Opens a function bound to vfio-pci with the given options.
     *
     * @param address the function
     * @param options the path to use, the files and the platform
     * @return the device
     * @throws NullPointerException if an argument is {@code null}
     * @throws VfioException        as for {@link #open(PciAddress)}, and if the path asked for
     *                              is not offered
     */
    public static VfioDevice open(PciAddress address, VfioDeviceOptions options) {
        return VfioDeviceOpening.open(address, options);
    }

    /**
     * {@return the IOMMU group of {@code device}, from its sysfs {@code iommu_group} link}
     *
     * @param pciDevices the sysfs directory of PCI functions
     * @param device     the function
     * @throws VfioException if the device does not exist or has no IOMMU group
     */
    public static int iommuGroup(Path pciDevices, PciAddress device) {
        return VfioFiles.iommuGroup(pciDevices, device);
    }

    /** {@return the function} */
    public PciAddress address() {
        return address;
    }

    /** {@return the function's IOMMU group} */
    public int iommuGroup() {
        return group;
    }

    /** {@return the path this device was opened on} */
    public IommuPath iommuPath() {
        return iommu.path();
    }

    /** {@return why that path was chosen, for example {@code "iommufd: /dev/iommu and /dev/vfio/devices/vfio0 exist"}} */
    public String iommuPathReason() {
        return pathReason;
    }

    /** {@return the container or IOAS the device's DMA goes through} */
    public VfioIommu iommu() {
        return iommu;
    }

    /** {@return every region the device reported, by index} */
    public List<VfioRegion> regions() {
        return regions;
    }

    /** {@return what the device reported for each interrupt index it has, in index order} */
    public List<VfioIrqInfo> irqs() {
        return irqs;
    }

    /** {@return whether the device supports {@code VFIO_DEVICE_RESET}} */
    public boolean resettable() {
        return resettable;
    }

    /**
     * {@return the device's config space}
     *
     * @throws VfioException if the device has no readable config region
     */
    public VfioConfigSpace config() {
        checkOpen();
        if (config == null) {
            VfioRegion r = regions.size() > VfioAbi.PCI_CONFIG_REGION_INDEX ? regions.get(VfioAbi.PCI_CONFIG_REGION_INDEX) : null;
            if (r == null || !r.present() || !r.readable()) {
                throw new VfioException(address + " has no readable config region");
            }
            config = new VfioConfigSpace(new VfioRegionBus(gateway, deviceFd, r.fileOffset(), r.size(), !r.writable(),
                    address + " config space"));
        }
        return config;
    }

    /**
     * Opens an accessor over a whole BAR, mapped where the kernel allows it.
     *
     * @param bar    the BAR index, 0 to 5
     * @param quirks device quirks that narrow the backend's rules
     * @return the accessor; the device closes it when it closes
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5 or the device has no such BAR
     * @throws IllegalStateException    if the device is closed, or the backend is not native here
     * @throws VfioException            if the kernel refuses the mapping
     */
    public IoAccessor bar(int bar, DeviceQuirk... quirks) {
        VfioRegion r = checkedBar(bar);
        IoPlatform platform = options.platform();
        IoAccessor accessor;
        if (r.wholeMappable()) {
            accessor = platform.open(new MappedRegion(map(r, 0, r.size()), MemoryType.DEVICE,
                    address + " " + r.name() + " (vfio mmap)", !r.writable()), quirks);
        } else if (!r.mappableAreas().isEmpty() && platform.isNative()) {
            accessor = platform.open(sparse(platform, r), MemoryType.DEVICE, quirks);
        } else {
            return barByFile(bar, quirks);
        }
        accessors.add(accessor);
        return accessor;
    }

    /** The mapped areas of a sparse region on the architecture's bus, the rest through the file. */
    private SparseRegionBus sparse(IoPlatform platform, VfioRegion r) {
        long page = Libc.pageSize();
        int mappedBefore = mappings.size();
        List<SparseRegionBus.MappedArea> areas = new ArrayList<>();
        try {
            for (VfioRegion.Area a : r.mappableAreas()) {
                if (a.offset() % page != 0 || a.size() % page != 0 || a.offset() < 0 || a.offset() + a.size() > r.size()) {
                    continue; // the kernel maps whole pages only: leave such an area to the file
                }
                MappedRegion m = new MappedRegion(map(r, a.offset(), a.size()), MemoryType.DEVICE,
                        address + " " + r.name() + " area " + a + " (vfio mmap)", !r.writable());
                areas.add(new SparseRegionBus.MappedArea(a.offset(), a.size(), platform.backend().openBus(m)));
            }
        } catch (RuntimeException e) {
            // A failed BAR leaves nothing of itself mapped.
            areas.forEach(a -> a.bus().close());
            while (mappings.size() > mappedBefore) {
                mappings.removeLast().close();
            }
            throw e;
        }
        return new SparseRegionBus(new VfioRegionBus(gateway, deviceFd, r.fileOffset(), r.size(), !r.writable(),
                address + " " + r.name() + " (vfio pread/pwrite outside its mapped areas)"), areas);
    }

    /**
     * Opens an accessor over a whole BAR through {@code pread}/{@code pwrite} of the device file
     * ({@link VfioRegionBus}), even where the kernel would let it be mapped: one system call per
     * device transaction, for debugging or to compare with the mapped path.
     *
     * @param bar    the BAR index, 0 to 5
     * @param quirks device quirks that narrow the backend's rules
     * @return the accessor; the device closes it when it closes
     * @throws IllegalArgumentException if {@code bar} is not 0 to 5 or the device has no such BAR
     * @throws IllegalStateException    if the device is closed, or the backend is not native here
     */
    public IoAccessor barByFile(int bar, DeviceQuirk... quirks) {
        VfioRegion r = checkedBar(bar);
        IoAccessor accessor = options.platform().open(new VfioRegionBus(gateway, deviceFd, r.fileOffset(), r.size(), !r.writable(),
                address + " BAR" + bar + " (vfio pread/pwrite)"), MemoryType.DEVICE, quirks);
        accessors.add(accessor);
        return accessor;
    }

    private VfioRegion checkedBar(int bar) {
        checkOpen();
        if (bar < 0 || bar > 5) {
            throw new IllegalArgumentException(address + ": BAR index " + bar + " is not 0 to 5");
        }
        VfioRegion r = bar < regions.size() ? regions.get(bar) : null;
        if (r == null || !r.present()) {
            throw new IllegalArgumentException(address + " has no BAR " + bar + " (VFIO reports its region empty)");
        }
        return r;
    }

    /**
     * {@return whether {@link #bar} maps all of BAR {@code bar} (rather than using pread/pwrite
     * for all or part of it)}
     *
     * @param bar the BAR index
     */
    public boolean barIsMapped(int bar) {
        return bar >= 0 && bar < Math.min(6, regions.size()) && regions.get(bar).wholeMappable();
    }

    /** Maps part of a region; the device's close unmaps it. */
    @SuppressWarnings("restricted") // a mapping of the device file becomes a segment of its size
    private MemorySegment map(VfioRegion r, long offset, long size) {
        int prot = (r.readable() ? Libc.PROT_READ : 0) | (r.writable() ? Libc.PROT_WRITE : 0);
        long addr;
        try {
            addr = Libc.mmap(size, prot, Libc.MAP_SHARED, deviceFd, r.fileOffset() + offset);
        } catch (ErrnoException e) {
            throw new VfioException(address + ": cannot map " + r.name() + " at 0x" + Long.toHexString(offset) + " (" + size
                    + " bytes): " + e.getMessage(), e);
        }
        Arena arena = Arena.ofShared();
        mappings.add(arena);
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Libc.munmap(addr, size));
    }

    /**
     * Enables {@code count} vectors of an interrupt index, each with its own eventfd.
     *
     * @param type  INTx, MSI or MSI-X
     * @param count how many vectors, from 1 to what the device offers
     * @return the vectors; closing them disables them
     * @throws IllegalArgumentException if the device has no such index, or offers fewer vectors;
     *                                  nothing is sent to the kernel
     * @throws IllegalStateException    if interrupts are already enabled (vfio-pci allows one
     *                                  index at a time) or the device is closed
     * @throws VfioException            if the kernel refuses; nothing is left open
     */
    public VfioInterrupts enableInterrupts(IrqType type, int count) {
        Objects.requireNonNull(type, "type");
        checkOpen();
        VfioIrqInfo info = irqInfo(type);
        if (interrupts != null) {
            throw new IllegalStateException(address + ": " + interrupts.type() + " interrupts are enabled; close them"
                    + " before enabling " + type + " (vfio-pci enables one index at a time)");
        }
        if (count < 1 || count > info.count()) {
            throw new IllegalArgumentException(address + " offers " + info.count() + " " + type + " vector"
                    + (info.count() == 1 ? "" : "s") + "; cannot enable " + count);
        }
        interrupts = VfioInterrupts.enable(this, gateway, deviceFd, info, count);
        return interrupts;
    }

    /**
     * {@return what the device reports for an interrupt index}
     *
     * @param type the index
     * @throws IllegalArgumentException if the device has no such index
     */
    public VfioIrqInfo irqInfo(IrqType type) {
        Objects.requireNonNull(type, "type");
        if (type.index() >= irqs.size()) {
            throw new IllegalArgumentException(address + " has no " + type + " interrupt index (it reports "
                    + irqs.size() + " indices)");
        }
        return irqs.get(type.index());
    }

    void setIrqs(int flags, IrqType type, int start, int count) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(VfioAbi.IRQ_SET_HEADER_SIZE, 8);
            set.set(JAVA_INT_UNALIGNED, 0, VfioAbi.IRQ_SET_HEADER_SIZE);
            set.set(JAVA_INT_UNALIGNED, 4, flags);
            set.set(JAVA_INT_UNALIGNED, 8, type.index());
            set.set(JAVA_INT_UNALIGNED, 12, start);
            set.set(JAVA_INT_UNALIGNED, 16, count);
            gateway.ioctl(deviceFd, VfioAbi.DEVICE_SET_IRQS, set);
        } catch (ErrnoException e) {
            throw new VfioException(address + ": VFIO_DEVICE_SET_IRQS on " + type + " failed: " + e.getMessage(), e);
        }
    }

    void interruptsClosed(VfioInterrupts closedOnes) {
        if (interrupts == closedOnes) {
            interrupts = null;
        }
    }

    /**
     * Resets the function ({@code VFIO_DEVICE_RESET}: FLR, a PM reset, or a slot or bus reset,
     * whichever the kernel has for it).
     *
     * @throws UnsupportedOperationException if the device reports no reset
     *                                       ({@code VFIO_DEVICE_FLAGS_RESET} is not set); nothing
     *                                       is sent to the kernel
     * @throws VfioException                 if the kernel fails the reset
     */
    public void reset() {
        checkOpen();
        if (!resettable) {
            throw new UnsupportedOperationException(address + " cannot be reset through VFIO: the kernel found no FLR,"
                    + " PM or bus reset for it (VFIO_DEVICE_FLAGS_RESET is not set)");
        }
        try {
            gateway.ioctlWithValue(deviceFd, VfioAbi.DEVICE_RESET, 0);
        } catch (ErrnoException e) {
            throw new VfioException(address + ": VFIO_DEVICE_RESET failed: " + e.getMessage(), e);
        }
    }

    /**
     * {@return the DMA mapper on this device's container or IOAS; the device closes it}
     *
     * @throws IllegalStateException if the device is closed
     */
    public VfioDmaMapper dmaMapper() {
        checkOpen();
        if (dmaMapper == null) {
            dmaMapper = VfioDmaMapper.on(iommu, group, options.pciDevices());
        }
        return dmaMapper;
    }

    /** {@return the device file's descriptor, for calls iomem does not make} */
    public int fileDescriptor() {
        return deviceFd;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(address + ": the VFIO device is closed");
        }
    }

    /**
     * Releases everything in reverse order: interrupts, accessors and BAR mappings, DMA tables,
     * the device file, the IOAS or container. Idempotent.
     *
     * @throws VfioException if a step failed; every later step is still done
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        Runnable[] steps = {
            () -> { if (interrupts != null) interrupts.close(); },
            () -> { for (IoAccessor a : accessors) a.close(); },
            () -> { for (Arena m : mappings) m.close(); },
            () -> { if (dmaMapper != null) dmaMapper.close(); },
            () -> gateway.close(deviceFd),
            iommu::close,
        };
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            VfioException e = new VfioException("closing " + address + ": " + failures.getFirst().getMessage(), failures.getFirst());
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    @Override
    public String toString() {
        return "VfioDevice[" + address + ", " + iommu.describe() + "]";
    }

    /** {@return the accessors opened so far and still tracked (for tests)} */
    List<IoAccessor> accessors() {
        return Collections.unmodifiableList(accessors);
    }
}
