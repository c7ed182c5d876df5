package dev.iomem.testkit.conformance;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The checks of the contract's edges, inherited by one {@code @Nested} class of
 * {@link ArchBackendConformance} (JUnit runs a nested class's inherited tests): the hooks and
 * flush through slices, the refusals of {@code read(offset, width)} and
 * {@code write(offset, width, value)}, one load per read whatever the value, RAM buffers that are
 * read-only, closed, another thread's or that start inside their memory, windows beyond 4 GiB,
 * and the backend's own native bus and barriers where this machine can run them. The work is in
 * {@link SliceHookChecks}, {@link GenericScalarRefusals}, {@link SingleReadChecks},
 * {@link RamBufferChecks}, {@link LargeWindowChecks} and {@link NativePathChecks}.
 */
abstract class ContractEdgeChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("an ordered access through a slice, or a slice of a slice, has the same hooks as through the window, a relaxed one too")
    void hooksThroughSlices() {
        SliceHookChecks.scalars(kit());
    }

    @Test
    @DisplayName("flushWrites on a slice, and on a slice of a slice, is exactly one flush")
    void flushThroughSlices() {
        SliceHookChecks.flush(kit());
    }

    @Test
    @DisplayName("read(offset, width) and write(offset, width, value) outside the window throw OutOfBoundsAccessException with no traffic")
    void genericOutOfBounds() {
        GenericScalarRefusals.outOfBounds(kit());
    }

    @Test
    @DisplayName("read(offset, width) and write(offset, width, value) misaligned throw MisalignedAccessException where the rules demand alignment")
    void genericMisaligned() {
        GenericScalarRefusals.misaligned(kit());
    }

    @Test
    @DisplayName("read(offset, width) and write(offset, width, value) of a width a quirk forbids throw WidthNotAllowedException with no traffic")
    void genericWidthNotAllowed() {
        GenericScalarRefusals.widthNotAllowed(kit());
    }

    @Test
    @DisplayName("read(offset, width) and write(offset, width, value) across the rules' boundary throw BoundaryCrossingException with no traffic")
    void genericBoundary() {
        GenericScalarRefusals.boundary(kit());
    }

    @Test
    @DisplayName("read(offset, width) and write(offset, width, value) on a closed accessor throw AccessorClosedException with no traffic")
    void genericClosed() {
        GenericScalarRefusals.closed(kit());
    }

    @Test
    @DisplayName("every read, ordered, relaxed or by width, is one load whatever it reads: all ones, zero, the top bit, a pattern")
    void oneLoadPerRead() {
        SingleReadChecks.check(kit());
    }

    @Test
    @DisplayName("a copy with a read-only (copyFromIo), closed or other thread's RAM buffer throws before touching the device")
    void unusableRamBuffers() {
        RamBufferChecks.unusable(kit());
    }

    @Test
    @DisplayName("copies move the right bytes to and from buffers that start inside their memory: byte[], long[], int[] and native slices")
    void buffersAtAnOffset() {
        RamBufferChecks.atOffsets(kit());
    }

    @Test
    @DisplayName("scalars at offsets beyond 2 GiB and 4 GiB of a 5 GiB window reach those offsets")
    void scalarsBeyond4GiB() {
        LargeWindowChecks.scalars(kit());
    }

    @Test
    @DisplayName("copies and fills at offsets beyond 2 GiB and 4 GiB of a 5 GiB window move the right bytes to the right place")
    void copiesBeyond4GiB() {
        LargeWindowChecks.copies(kit());
    }

    @Test
    @DisplayName("slices at offsets beyond 4 GiB of a 5 GiB window map their offsets onto the device")
    void slicesBeyond4GiB() {
        LargeWindowChecks.slices(kit());
    }

    @Test
    @DisplayName("where the backend is available on this machine, its native bus and barriers round-trip every scalar over native memory")
    void nativeScalars() {
        NativePathChecks.scalars(kit());
    }

    @Test
    @DisplayName("where the backend is available on this machine, its native copies and fills move the right bytes over native memory")
    void nativeCopies() {
        NativePathChecks.copies(kit());
    }
}
