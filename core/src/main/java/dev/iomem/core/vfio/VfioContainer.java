package dev.iomem.core.vfio;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.dma.IovaRange;
import dev.iomem.core.linux.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The legacy VFIO path (Documentation/driver-api/vfio.rst): the container {@code /dev/vfio/vfio}
 * with the type1v2 IOMMU and one IOMMU group {@code /dev/vfio/N} attached to it. Opening checks
 * the API version, the type1v2 extension and that the group is viable, then reads
 * {@code VFIO_IOMMU_GET_INFO} with its IOVA-range capability. Closing closes the group, then the
 * container.
 */
public final class VfioContainer implements VfioIommu {

    private final IoctlGateway gateway;
    private final int group;
    private final int containerFd;
    private final int groupFd;
    private final VfioIommuInfo info;
    private final long pageSize;
    private boolean closed;

    private VfioContainer(IoctlGateway gateway, int group, int containerFd, int groupFd, VfioIommuInfo info, long pageSize) {
        this.gateway = gateway;
        this.group = group;
        this.containerFd = containerFd;
        this.groupFd = groupFd;
        this.info = info;
        this.pageSize = pageSize;
    }

    /**
     * Opens a type1v2 container holding IOMMU group {@code group}.
     *
     * @param gateway        makes the system calls
     * @param devVfio        the directory of VFIO's device files ({@code /dev/vfio})
     * @param group          the IOMMU group
     * @param device         the function the group is opened for (for messages)
     * @param systemPageSize the page size to assume when the IOMMU reports none
     * @return the container
     * @throws VfioException if VFIO is absent, the group cannot be opened or is not viable, or
     *                       the container refuses type1v2; nothing is left open
     */
    public static VfioContainer open(IoctlGateway gateway, java.nio.file.Path devVfio, int group, PciAddress device,
                                     long systemPageSize) {
        String containerPath = devVfio.resolve("vfio").toString();
        String groupPath = devVfio.resolve(Integer.toString(group)).toString();
        int container = -1;
        int groupFd = -1;
        try {
            container = VfioFiles.open(gateway, containerPath, "the VFIO container");
            int version = gateway.ioctlWithValue(container, VfioAbi.GET_API_VERSION, 0);
            if (version != VfioAbi.API_VERSION) {
                throw new VfioException("VFIO API version " + version + " is not the version " + VfioAbi.API_VERSION
                        + " iomem speaks");
            }
            if (gateway.ioctlWithValue(container, VfioAbi.CHECK_EXTENSION, VfioAbi.TYPE1V2_IOMMU) <= 0) {
                throw new VfioException("the VFIO container does not offer the type1v2 IOMMU (VFIO_TYPE1v2_IOMMU);"
                        + " load vfio_iommu_type1 (modprobe vfio_iommu_type1)");
            }
            groupFd = VfioFiles.open(gateway, groupPath, "IOMMU group " + group + " of " + device);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment status = a.allocate(VfioAbi.GROUP_STATUS_SIZE, 8);
                status.set(JAVA_INT, 0, VfioAbi.GROUP_STATUS_SIZE);
                gateway.ioctl(groupFd, VfioAbi.GROUP_GET_STATUS, status);
                if ((status.get(JAVA_INT, 4) & VfioAbi.GROUP_FLAGS_VIABLE) == 0) {
                    throw new VfioException("IOMMU group " + group + " of " + device + " is not viable: bind every"
                            + " device in /sys/kernel/iommu_groups/" + group + "/devices to vfio-pci (or unbind it)");
                }
                MemorySegment fd = a.allocate(JAVA_INT);
                fd.set(JAVA_INT, 0, container);
                gateway.ioctl(groupFd, VfioAbi.GROUP_SET_CONTAINER, fd);
            }
            try {
                gateway.ioctlWithValue(container, VfioAbi.SET_IOMMU, VfioAbi.TYPE1V2_IOMMU);
            } catch (ErrnoException e) {
                if (e.errno() == ErrnoException.ENODEV) {
                    throw new VfioException("the VFIO container has no type1 IOMMU driver (VFIO_SET_IOMMU: ENODEV):"
                            + " load vfio_iommu_type1 (modprobe vfio_iommu_type1)", e);
                }
                throw e;
            }
            VfioIommuInfo info = readInfo(gateway, container);
            return new VfioContainer(gateway, group, container, groupFd, info, info.minPageSize(systemPageSize));
        } catch (RuntimeException e) {
            VfioFiles.closeQuietly(gateway, groupFd, e);
            VfioFiles.closeQuietly(gateway, container, e);
            if (e instanceof ErrnoException errno) {
                throw new VfioException("cannot set up VFIO for " + device + " (IOMMU group " + group + "): "
                        + errno.getMessage(), errno);
            }
            throw e;
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
                    throw new VfioException("VFIO_IOMMU_GET_INFO asks for " + argsz + " bytes, more than 1 MiB");
                }
                info = a.allocate(argsz, 8);
                info.set(JAVA_INT, 0, (int) argsz);
                gateway.ioctl(container, VfioAbi.IOMMU_GET_INFO, info);
                if (Integer.toUnsignedLong(info.get(JAVA_INT, 0)) > argsz) {
                    throw new VfioException("VFIO_IOMMU_GET_INFO grew between two calls");
                }
            } else {
                // No room was offered for capabilities: ignore whatever cap_offset says.
                info.set(JAVA_INT, 4, info.get(JAVA_INT, 4) & ~VfioAbi.INFO_FLAG_CAPS);
            }
            try {
                return VfioIommuInfo.parse(info);
            } catch (IllegalArgumentException e) {
                throw new VfioException("VFIO_IOMMU_GET_INFO returned a malformed structure: " + e.getMessage(), e);
            }
        }
    }

    /** {@return the group's file descriptor, for {@code VFIO_GROUP_GET_DEVICE_FD}} */
    int groupFd() {
        return groupFd;
    }

    /** {@return the IOMMU group this container holds} */
    public int group() {
        return group;
    }

    /** {@return what {@code VFIO_IOMMU_GET_INFO} reported} */
    public VfioIommuInfo info() {
        return info;
    }

    @Override
    public IommuPath path() {
        return IommuPath.GROUP_CONTAINER;
    }

    @Override
    public String describe() {
        return "VFIO container (type1v2), IOMMU group " + group;
    }

    @Override
    public List<IovaRange> iovaRanges() {
        return info.iovaRanges();
    }

    @Override
    public long pageSize() {
        return pageSize;
    }

    @Override
    public OptionalInt dmaAvailable() {
        return info.dmaAvailable();
    }

    @Override
    public void map(long vaddr, long iova, long length, boolean deviceReads, boolean deviceWrites) {
        int flags = (deviceReads ? VfioAbi.DMA_MAP_FLAG_READ : 0) | (deviceWrites ? VfioAbi.DMA_MAP_FLAG_WRITE : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment map = a.allocate(VfioAbi.DMA_MAP_SIZE, 8);
            map.set(JAVA_INT_UNALIGNED, 0, VfioAbi.DMA_MAP_SIZE);
            map.set(JAVA_INT_UNALIGNED, 4, flags);
            map.set(JAVA_LONG_UNALIGNED, 8, vaddr);
            map.set(JAVA_LONG_UNALIGNED, 16, iova);
            map.set(JAVA_LONG_UNALIGNED, 24, length);
            gateway.ioctl(containerFd, VfioAbi.IOMMU_MAP_DMA, map);
        }
    }

    @Override
    public long unmap(long iova, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment unmap = a.allocate(VfioAbi.DMA_UNMAP_SIZE, 8);
            unmap.set(JAVA_INT_UNALIGNED, 0, VfioAbi.DMA_UNMAP_SIZE);
            unmap.set(JAVA_INT_UNALIGNED, 4, 0);
            unmap.set(JAVA_LONG_UNALIGNED, 8, iova);
            unmap.set(JAVA_LONG_UNALIGNED, 16, length);
            gateway.ioctl(containerFd, VfioAbi.IOMMU_UNMAP_DMA, unmap);
            return unmap.get(JAVA_LONG_UNALIGNED, 16); // the kernel writes back what it unmapped
        }
    }

    /**
     * Closes the group, then the container.
     *
     * @throws ErrnoException if a close failed; the other is still closed
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        for (int fd : new int[] {groupFd, containerFd}) {
            try {
                gateway.close(fd);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
