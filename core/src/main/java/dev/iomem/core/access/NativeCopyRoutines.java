package dev.iomem.core.access;

import dev.iomem.api.AccessRules;

import java.lang.foreign.MemorySegment;

/**
 * Machine-code routines that issue exactly the {@link CopyPlanner} plan of the rules they
 * declare ({@link #issuesPlanOf}), each device access one load or store instruction of the
 * planned width: a backend's fast path for copies and fills over a {@link MappedBus}, where a
 * JVM loop of single accesses is several times slower than the same accesses from native code.
 *
 * <p>The device address of an access is {@code io.address() + ioOffset} and the plan is made on
 * that address; the {@link RuleDrivenAccessor} uses the routines only when the mapping's address
 * is aligned to the rules' widest copy access, so that this equals the plan on bus offsets.
 *
 * <p>Callers have validated everything (bounds, a writable window, a writable destination, an
 * open accessor); the routines check nothing themselves. What they keep from FFM: the segments
 * are passed as segments, so a downcall keeps a shared arena alive during the call and throws
 * {@link IllegalStateException} (arena closed) or {@link WrongThreadException} (confined to
 * another thread) before the call, when nothing has touched the device.
 */
public interface NativeCopyRoutines {

    /**
     * {@return whether these routines issue exactly the {@link CopyPlanner} plan of {@code rules}
     * (for copies and fills)}
     *
     * @param rules the rules of a window
     */
    boolean issuesPlanOf(AccessRules rules);

    /**
     * Copies {@code n} bytes from {@code src} to device memory at {@code io + ioOffset}.
     *
     * @param io       the mapped window
     * @param ioOffset the offset of the first device byte in it
     * @param src      the RAM source, at least {@code n} bytes, native or heap
     * @param n        the number of bytes
     * @throws IllegalStateException if a segment's arena is closed (nothing was touched)
     * @throws WrongThreadException  if a segment is confined to another thread (nothing was touched)
     */
    void copyToIo(MemorySegment io, long ioOffset, MemorySegment src, long n);

    /**
     * Copies {@code n} bytes of device memory at {@code io + ioOffset} to {@code dst}.
     *
     * @param io       the mapped window
     * @param ioOffset the offset of the first device byte in it
     * @param dst      the RAM destination, at least {@code n} bytes, native or heap
     * @param n        the number of bytes
     * @throws IllegalStateException if a segment's arena is closed (nothing was touched)
     * @throws WrongThreadException  if a segment is confined to another thread (nothing was touched)
     */
    void copyFromIo(MemorySegment io, long ioOffset, MemorySegment dst, long n);

    /**
     * Fills {@code n} bytes of device memory at {@code io + ioOffset} with {@code value}; wider
     * accesses store the byte repeated.
     *
     * @param io       the mapped window
     * @param ioOffset the offset of the first device byte in it
     * @param value    the byte
     * @param n        the number of bytes
     * @throws IllegalStateException if the window's arena is closed (nothing was touched)
     * @throws WrongThreadException  if the window is confined to another thread (nothing was touched)
     */
    void fillIo(MemorySegment io, long ioOffset, byte value, long n);
}
