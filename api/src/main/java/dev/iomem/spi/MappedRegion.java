package dev.iomem.spi;

import dev.iomem.api.MemoryType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A BAR window that has been mapped into this process, handed to
 * {@link ArchBackend#openBus(MappedRegion)}. The segment is the mapping itself; only the
 * backend's bus may touch it (on s390x not even that: its address goes to a system call).
 *
 * @param segment     the mapping, whose size is the window's size
 * @param memoryType  how it is mapped
 * @param description where it came from, such as {@code "0000:00:02.0 BAR 0"}, for messages
 * @param readOnly    whether it was mapped read-only
 */
public record MappedRegion(MemorySegment segment, MemoryType memoryType, String description, boolean readOnly) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code segment} is a heap segment (device memory is
     *                                  always native)
     */
    public MappedRegion {
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(memoryType, "memoryType");
        Objects.requireNonNull(description, "description");
        if (!segment.isNative()) {
            throw new IllegalArgumentException("a mapped region must be a native segment: " + description);
        }
    }

    /** {@return the size of the window in bytes} */
    public long size() {
        return segment.byteSize();
    }
}
