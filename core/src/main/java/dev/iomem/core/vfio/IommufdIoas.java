package dev.iomem.core.vfio;

import dev.iomem.api.pci.PciAddress;
import dev.iomem.core.dma.IovaRange;
import dev.iomem.core.linux.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The iommufd path (Documentation/userspace-api/iommufd.rst): {@code /dev/iommu}, one I/O
 * address space (IOAS) allocated there, and a VFIO device cdev bound to it
 * ({@code VFIO_DEVICE_BIND_IOMMUFD}) and attached to the IOAS
 * ({@code VFIO_DEVICE_ATTACH_IOMMUFD_PT}). The IOVA ranges are read after the attach, when the
 * device's own limits have narrowed them. Closing destroys the IOAS and closes
 * {@code /dev/iommu}; the device's file, closed first by its owner, unbinds it.
 */
public final class IommufdIoas implements VfioIommu {

    private final IoctlGateway gateway;
    private final int iommuFd;
    private final int ioasId;
    private final List<IovaRange> ranges;
    private final long alignment;
    private boolean closed;

    private IommufdIoas(IoctlGateway gateway, int iommuFd, int ioasId, List<IovaRange> ranges, long alignment) {
        this.gateway = gateway;
        this.iommuFd = iommuFd;
        this.ioasId = ioasId;
        this.ranges = ranges;
        this.alignment = alignment;
    }

    /**
     * Opens {@code /dev/iommu}, allocates an IOAS, binds the device cdev to it and attaches it.
     *
     * @param gateway        makes the system calls
     * @param devIommu       the iommufd character device ({@code /dev/iommu})
     * @param deviceFd       the open {@code /dev/vfio/devices/vfioN} of the device
     * @param device         the function (for messages)
     * @param systemPageSize the page size to use when the IOAS asks for less alignment
     * @return the IOAS
     * @throws VfioException if a step fails; {@code /dev/iommu} is closed again (the caller
     *                       still owns and closes {@code deviceFd})
     */
    public static IommufdIoas open(IoctlGateway gateway, String devIommu, int deviceFd, PciAddress device, long systemPageSize) {
        int iommu = VfioFiles.open(gateway, devIommu, "the iommufd device");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment alloc = a.allocate(VfioAbi.IOAS_ALLOC_SIZE, 8);
            alloc.set(JAVA_INT_UNALIGNED, 0, VfioAbi.IOAS_ALLOC_SIZE);
            gateway.ioctl(iommu, VfioAbi.IOMMU_IOAS_ALLOC, alloc);
            int ioas = alloc.get(JAVA_INT_UNALIGNED, 8);
            MemorySegment bind = a.allocate(VfioAbi.BIND_IOMMUFD_SIZE, 8);
            bind.set(JAVA_INT_UNALIGNED, 0, VfioAbi.BIND_IOMMUFD_SIZE);
            bind.set(JAVA_INT_UNALIGNED, 8, iommu);
            gateway.ioctl(deviceFd, VfioAbi.DEVICE_BIND_IOMMUFD, bind);
            MemorySegment attach = a.allocate(VfioAbi.ATTACH_IOMMUFD_PT_SIZE, 8);
            attach.set(JAVA_INT_UNALIGNED, 0, VfioAbi.ATTACH_IOMMUFD_PT_SIZE);
            attach.set(JAVA_INT_UNALIGNED, 8, ioas);
            gateway.ioctl(deviceFd, VfioAbi.DEVICE_ATTACH_IOMMUFD_PT, attach);
            MemorySegment q = a.allocate(VfioAbi.IOAS_IOVA_RANGES_SIZE, 8);
            int room = 8;
            MemorySegment array;
            while (true) {
                array = a.allocate(16L * room, 8);
                q.fill((byte) 0);
                q.set(JAVA_INT_UNALIGNED, 0, VfioAbi.IOAS_IOVA_RANGES_SIZE);
                q.set(JAVA_INT_UNALIGNED, 4, ioas);
                q.set(JAVA_INT_UNALIGNED, 8, room);
                q.set(JAVA_LONG_UNALIGNED, 16, array.address());
                try {
                    gateway.ioctl(iommu, VfioAbi.IOMMU_IOAS_IOVA_RANGES, q);
                    break;
                } catch (ErrnoException e) {
                    int wanted = q.get(JAVA_INT_UNALIGNED, 8);
                    if (e.errno() != ErrnoException.EMSGSIZE || wanted <= room || wanted > 4096) {
                        throw e;
                    }
                    room = wanted;
                }
            }
            int n = q.get(JAVA_INT_UNALIGNED, 8);
            List<IovaRange> ranges = new ArrayList<>();
            for (int i = 0; i < Math.min(n, room); i++) {
                ranges.add(new IovaRange(array.get(JAVA_LONG_UNALIGNED, 16L * i), array.get(JAVA_LONG_UNALIGNED, 16L * i + 8)));
            }
            ranges.sort((x, y) -> Long.compareUnsigned(x.start(), y.start()));
            long align = Math.max(q.get(JAVA_LONG_UNALIGNED, 24), systemPageSize);
            return new IommufdIoas(gateway, iommu, ioas, List.copyOf(ranges), align);
        } catch (RuntimeException e) {
            VfioFiles.closeQuietly(gateway, iommu, e);
            if (e instanceof ErrnoException errno) {
                throw new VfioException("cannot attach " + device + " to an iommufd IOAS: " + errno.getMessage(), errno);
            }
            throw e;
        }
    }

    /** {@return the IOAS's object id in iommufd} */
    public int ioasId() {
        return ioasId;
    }

    @Override
    public IommuPath path() {
        return IommuPath.IOMMUFD;
    }

    @Override
    public String describe() {
        return "iommufd IOAS " + ioasId;
    }

    @Override
    public List<IovaRange> iovaRanges() {
        return ranges;
    }

    @Override
    public long pageSize() {
        return alignment;
    }

    @Override
    public OptionalInt dmaAvailable() {
        return OptionalInt.empty();
    }

    @Override
    public void map(long vaddr, long iova, long length, boolean deviceReads, boolean deviceWrites) {
        int flags = VfioAbi.IOAS_MAP_FIXED_IOVA | (deviceReads ? VfioAbi.IOAS_MAP_READABLE : 0)
                | (deviceWrites ? VfioAbi.IOAS_MAP_WRITEABLE : 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment map = a.allocate(VfioAbi.IOAS_MAP_SIZE, 8);
            map.set(JAVA_INT_UNALIGNED, 0, VfioAbi.IOAS_MAP_SIZE);
            map.set(JAVA_INT_UNALIGNED, 4, flags);
            map.set(JAVA_INT_UNALIGNED, 8, ioasId);
            map.set(JAVA_LONG_UNALIGNED, 16, vaddr);
            map.set(JAVA_LONG_UNALIGNED, 24, length);
            map.set(JAVA_LONG_UNALIGNED, 32, iova);
            gateway.ioctl(iommuFd, VfioAbi.IOMMU_IOAS_MAP, map);
        }
    }

    @Override
    public long unmap(long iova, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment unmap = a.allocate(VfioAbi.IOAS_UNMAP_SIZE, 8);
            unmap.set(JAVA_INT_UNALIGNED, 0, VfioAbi.IOAS_UNMAP_SIZE);
            unmap.set(JAVA_INT_UNALIGNED, 4, ioasId);
            unmap.set(JAVA_LONG_UNALIGNED, 8, iova);
            unmap.set(JAVA_LONG_UNALIGNED, 16, length);
            gateway.ioctl(iommuFd, VfioAbi.IOMMU_IOAS_UNMAP, unmap);
            return unmap.get(JAVA_LONG_UNALIGNED, 16); // the kernel writes back what it unmapped
        }
    }

    /**
     * Destroys the IOAS and closes {@code /dev/iommu}.
     *
     * @throws ErrnoException if the close failed
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment destroy = a.allocate(VfioAbi.DESTROY_SIZE, 8);
            destroy.set(JAVA_INT_UNALIGNED, 0, VfioAbi.DESTROY_SIZE);
            destroy.set(JAVA_INT_UNALIGNED, 4, ioasId);
            gateway.ioctl(iommuFd, VfioAbi.IOMMU_DESTROY, destroy);
        } catch (ErrnoException ignored) {
            // Closing the file destroys every object in it anyway.
        } finally {
            gateway.close(iommuFd);
        }
    }
}
