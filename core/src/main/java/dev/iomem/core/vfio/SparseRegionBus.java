package dev.iomem.core.vfio;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;

import java.util.List;
import java.util.Objects;

/**
 * A BAR that the kernel lets user space map only in parts ({@code VFIO_REGION_INFO_CAP_SPARSE_MMAP},
 * typically around an MSI-X table it must trap): accesses inside a mapped area go to the
 * architecture's bus over that mapping, every other access to {@code pread}/{@code pwrite} of the
 * device file. Each access is still exactly one device transaction on one of them; an access that
 * would straddle an area's edge goes to the file, which reaches every byte.
 */
final class SparseRegionBus implements IoBus {

    /**
     * A mapped area and the bus over it.
     *
     * @param offset where the area starts in the region
     * @param size   its size
     * @param bus    the architecture's bus over its mapping (offsets relative to the area)
     */
    record MappedArea(long offset, long size, IoBus bus) {
    }

    private final IoBus file;
    private final List<MappedArea> areas;

    SparseRegionBus(IoBus file, List<MappedArea> areas) {
        this.file = Objects.requireNonNull(file, "file");
        this.areas = List.copyOf(areas);
    }

    private MappedArea areaOf(long offset, int bytes) {
        for (MappedArea a : areas) {
            if (offset >= a.offset() && offset - a.offset() <= a.size() - bytes) {
                return a;
            }
        }
        return null;
    }

    @Override
    public long size() {
        return file.size();
    }

    @Override
    public boolean isReadOnly() {
        return file.isReadOnly();
    }

    @Override
    public long load(long offset, Width width) {
        MappedArea a = areaOf(offset, width.bytes());
        return a != null ? a.bus().load(offset - a.offset(), width) : file.load(offset, width);
    }

    @Override
    public void store(long offset, Width width, long value) {
        if (file.isReadOnly()) {
            throw new IoFaultException("the region is read-only", offset, width.bytes());
        }
        MappedArea a = areaOf(offset, width.bytes());
        if (a != null) {
            a.bus().store(offset - a.offset(), width, value);
        } else {
            file.store(offset, width, value);
        }
    }

    /** Closes the file bus and every area's bus. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (AutoCloseable c : java.util.stream.Stream.concat(areas.stream().map(MappedArea::bus), java.util.stream.Stream.of(file)).toList()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
