package dev.iomem.api;

import java.lang.foreign.MemorySegment;

/**
 * One mapped window of a PCI BAR, accessed as the kernel's {@code readX}/{@code writeX},
 * {@code *_relaxed}, {@code memcpy_fromio}, {@code memcpy_toio} and {@code memset_io} would on
 * this architecture.
 *
 * <p>Values are PCI device values: little-endian on the bus, converted to and from Java values
 * whatever the CPU's byte order. Every violation throws an {@link IoAccessException} subtype
 * before any device transaction:
 * <ul>
 *   <li>{@link OutOfBoundsAccessException} if the access is not inside {@code [0, size())},
 *       a length is negative, or {@code offset + length} overflows;</li>
 *   <li>{@link WidthNotAllowedException} if the {@link #rules()} forbid the width;</li>
 *   <li>{@link MisalignedAccessException} if the rules demand natural alignment and the offset
 *       is not a multiple of the width;</li>
 *   <li>{@link BoundaryCrossingException} if the rules forbid crossing a boundary (s390x: 4 KiB)
 *       and a scalar access would;</li>
 *   <li>{@link ReadOnlyWindowException} for a write, copy or fill through a window mapped
 *       read-only;</li>
 *   <li>{@link AccessorClosedException} if this accessor (or the one it was sliced from) is
 *       closed.</li>
 * </ul>
 * A device or kernel failure during the access is an {@link IoFaultException}.
 *
 * <p>Ordered accesses ({@code read32}, {@code write32}, ...) carry the architecture's four
 * ordering hooks, as the kernel's {@code asm-generic/io.h} does: before and after a read (the
 * latter with the value read), before and after a write (arm64: {@code dmb oshld} after a read,
 * {@code dmb oshst} before a write; powerpc: {@code sync} before either, {@code twi;isync} after
 * a read). Relaxed ones carry none, except where the rules say relaxed accesses are
 * {@link RelaxedOrdering#ORDERED} (powerpc), where they are the ordered ones. Copies and fills
 * carry only the fences their {@link CopyAlgorithm} declares. Accessors are safe for use by many threads; each call is one or more independent device
 * transactions and no call is atomic with another.
 */
public interface IoAccessor extends AutoCloseable {

    /** {@return the size of this window in bytes} */
    long size();

    /** {@return how this window is mapped} */
    MemoryType memoryType();

    /** {@return the rules every access through this accessor obeys} */
    AccessRules rules();

    /**
     * Reads one byte, ordered ({@code readb}).
     *
     * @param offset the offset in this window
     * @return the value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 1 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 8-bit accesses
     * @throws AccessorClosedException    if the accessor is closed
     * @throws IoFaultException           if the device or kernel failed the read
     */
    byte read8(long offset);

    /**
     * Reads two bytes, ordered ({@code readw}).
     *
     * @param offset the offset in this window
     * @return the little-endian device value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 2 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 16-bit accesses
     * @throws MisalignedAccessException  if alignment is required and {@code offset % 2 != 0}
     * @throws BoundaryCrossingException if the rules forbid crossing a boundary and the access would
     * @throws AccessorClosedException    if the accessor is closed
     * @throws IoFaultException           if the device or kernel failed the read
     */
    short read16(long offset);

    /**
     * Reads four bytes, ordered ({@code readl}).
     *
     * @param offset the offset in this window
     * @return the little-endian device value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 4 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 32-bit accesses
     * @throws MisalignedAccessException  if alignment is required and {@code offset % 4 != 0}
     * @throws BoundaryCrossingException if the rules forbid crossing a boundary and the access would
     * @throws AccessorClosedException    if the accessor is closed
     * @throws IoFaultException           if the device or kernel failed the read
     */
    int read32(long offset);

    /**
     * Reads eight bytes as one access, ordered ({@code readq}); never split into two.
     *
     * @param offset the offset in this window
     * @return the little-endian device value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 8 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 64-bit accesses
     * @throws MisalignedAccessException  if alignment is required and {@code offset % 8 != 0}
     * @throws BoundaryCrossingException if the rules forbid crossing a boundary and the access would
     * @throws AccessorClosedException    if the accessor is closed
     * @throws IoFaultException           if the device or kernel failed the read
     */
    long read64(long offset);

    /**
     * Writes one byte, ordered ({@code writeb}).
     *
     * @param offset the offset in this window
     * @param value  the value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 1 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 8-bit accesses
     * @throws AccessorClosedException    if the accessor is closed
     * @throws ReadOnlyWindowException   if the window is mapped read-only (before any barrier or device access)
     * @throws IoFaultException           if the device or kernel failed the write
     */
    void write8(long offset, byte value);

    /**
     * Writes two bytes, ordered ({@code writew}).
     *
     * @param offset the offset in this window
     * @param value  the device value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 2 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 16-bit accesses
     * @throws MisalignedAccessException  if alignment is required and {@code offset % 2 != 0}
     * @throws BoundaryCrossingException if the rules forbid crossing a boundary and the access would
     * @throws AccessorClosedException    if the accessor is closed
     * @throws ReadOnlyWindowException   if the window is mapped read-only (before any barrier or device access)
     * @throws IoFaultException           if the device or kernel failed the write
     */
    void write16(long offset, short value);

    /**
     * Writes four bytes, ordered ({@code writel}).
     *
     * @param offset the offset in this window
     * @param value  the device value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 4 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 32-bit accesses
     * @throws MisalignedAccessException  if alignment is required and {@code offset % 4 != 0}
     * @throws BoundaryCrossingException if the rules forbid crossing a boundary and the access would
     * @throws AccessorClosedException    if the accessor is closed
     * @throws ReadOnlyWindowException   if the window is mapped read-only (before any barrier or device access)
     * @throws IoFaultException           if the device or kernel failed the write
     */
    void write32(long offset, int value);

    /**
     * Writes eight bytes as one access, ordered ({@code writeq}); never split into two.
     *
     * @param offset the offset in this window
     * @param value  the device value
     * @throws OutOfBoundsAccessException if {@code offset < 0} or {@code offset + 8 > size()}
     * @throws WidthNotAllowedException   if the rules forbid 64-bit accesses
     * @throws MisalignedAccessException  if alignment is required and {@code offset % 8 != 0}
     * @throws BoundaryCrossingException if the rules forbid crossing a boundary and the access would
     * @throws AccessorClosedException    if the accessor is closed
     * @throws ReadOnlyWindowException   if the window is mapped read-only (before any barrier or device access)
     * @throws IoFaultException           if the device or kernel failed the write
     */
    void write64(long offset, long value);

    /**
     * Reads one byte without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code readb_relaxed}).
     *
     * @param offset the offset in this window
     * @return the value
     * @throws IoAccessException under the same conditions as {@link #read8(long)}
     */
    byte read8Relaxed(long offset);

    /**
     * Reads two bytes without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code readw_relaxed}).
     *
     * @param offset the offset in this window
     * @return the device value
     * @throws IoAccessException under the same conditions as {@link #read16(long)}
     */
    short read16Relaxed(long offset);

    /**
     * Reads four bytes without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code readl_relaxed}).
     *
     * @param offset the offset in this window
     * @return the device value
     * @throws IoAccessException under the same conditions as {@link #read32(long)}
     */
    int read32Relaxed(long offset);

    /**
     * Reads eight bytes without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code readq_relaxed}).
     *
     * @param offset the offset in this window
     * @return the device value
     * @throws IoAccessException under the same conditions as {@link #read64(long)}
     */
    long read64Relaxed(long offset);

    /**
     * Writes one byte without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code writeb_relaxed}).
     *
     * @param offset the offset in this window
     * @param value  the value
     * @throws IoAccessException under the same conditions as {@link #write8(long, byte)}
     */
    void write8Relaxed(long offset, byte value);

    /**
     * Writes two bytes without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code writew_relaxed}).
     *
     * @param offset the offset in this window
     * @param value  the device value
     * @throws IoAccessException under the same conditions as {@link #write16(long, short)}
     */
    void write16Relaxed(long offset, short value);

    /**
     * Writes four bytes without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code writel_relaxed}).
     *
     * @param offset the offset in this window
     * @param value  the device value
     * @throws IoAccessException under the same conditions as {@link #write32(long, int)}
     */
    void write32Relaxed(long offset, int value);

    /**
     * Writes eight bytes without ordering hooks where the rules say relaxed accesses are {@link RelaxedOrdering#UNORDERED} ({@code writeq_relaxed}).
     *
     * @param offset the offset in this window
     * @param value  the device value
     * @throws IoAccessException under the same conditions as {@link #write64(long, long)}
     */
    void write64Relaxed(long offset, long value);

    /**
     * Reads a value of the given width, ordered; the value is zero-extended.
     *
     * @param offset the offset in this window
     * @param width  the width of the access
     * @return the device value in the low {@code width.bits()} bits
     * @throws NullPointerException if {@code width} is {@code null}
     * @throws IoAccessException    under the same conditions as the fixed-width read
     */
    long read(long offset, Width width);

    /**
     * Writes the low {@code width.bits()} bits of {@code value}, ordered.
     *
     * @param offset the offset in this window
     * @param width  the width of the access
     * @param value  the device value
     * @throws NullPointerException if {@code width} is {@code null}
     * @throws IoAccessException    under the same conditions as the fixed-width write
     */
    void write(long offset, Width width, long value);

    /**
     * Copies {@code dst.byteSize()} bytes from device memory at {@code ioOffset} into
     * {@code dst} ({@code memcpy_fromio}), with the access sequence the architecture's kernel
     * would use. No barriers are issued inside the copy.
     *
     * @param ioOffset the device offset of the first byte
     * @param dst      where to put the bytes; ordinary memory, not device memory
     * @throws NullPointerException        if {@code dst} is {@code null}
     * @throws IllegalArgumentException    if {@code dst} is read-only
     * @throws OutOfBoundsAccessException  if {@code ioOffset < 0} or
     *                                     {@code ioOffset + dst.byteSize() > size()}
     * @throws AccessorClosedException     if the accessor is closed
     * @throws IllegalStateException       if {@code dst}'s arena is closed (before any device
     *                                     access)
     * @throws WrongThreadException        if {@code dst} is confined to another thread (before
     *                                     any device access)
     * @throws IoFaultException            if the device or kernel failed an access
     */
    void copyFromIo(long ioOffset, MemorySegment dst);

    /**
     * Copies all of {@code src} to device memory at {@code ioOffset} ({@code memcpy_toio}),
     * with the access sequence the architecture's kernel would use.
     *
     * @param src      the bytes to write
     * @param ioOffset the device offset of the first byte
     * @throws NullPointerException        if {@code src} is {@code null}
     * @throws OutOfBoundsAccessException  if {@code ioOffset < 0} or
     *                                     {@code ioOffset + src.byteSize() > size()}
     * @throws AccessorClosedException     if the accessor is closed
     * @throws ReadOnlyWindowException   if the window is mapped read-only (before any barrier or device access)
     * @throws IllegalStateException       if {@code src}'s arena is closed (before any device
     *                                     access)
     * @throws WrongThreadException        if {@code src} is confined to another thread (before
     *                                     any device access)
     * @throws IoFaultException            if the device or kernel failed an access
     */
    void copyToIo(MemorySegment src, long ioOffset);

    /**
     * Sets {@code length} bytes of device memory to {@code value} ({@code memset_io}), with
     * the same access sequence as a copy of that range; never one wide native fill.
     *
     * @param ioOffset the device offset of the first byte
     * @param length   the number of bytes
     * @param value    the byte to store
     * @throws OutOfBoundsAccessException if {@code ioOffset < 0}, {@code length < 0} or
     *                                    {@code ioOffset + length > size()}
     * @throws AccessorClosedException    if the accessor is closed
     * @throws ReadOnlyWindowException   if the window is mapped read-only (before any barrier or device access)
     * @throws IoFaultException           if the device or kernel failed an access
     */
    void fillIo(long ioOffset, long length, byte value);

    /**
     * Makes earlier writes reach the device, with the backend's
     * {@link dev.iomem.spi.Barriers#flushWrites()}. What that is, per backend: x86-64 a full
     * fence ({@code VarHandle.fullFence()}, a LOCKed instruction, which also drains
     * write-combining buffers, Intel SDM 11.3.1); arm64 {@code dsb st} from a native stub (where
     * the stub cannot be made, degraded to the JVM's full fence, {@code dmb ish}, and
     * {@code iomem probe} says so); s390x nothing, because each device write is a system call
     * that completes its PCI store before it returns (there is no {@code pciwb} to issue from user
     * space without MIO); the riscv64 example plugin {@code fence ow,ow}.
     *
     * @throws AccessorClosedException if the accessor is closed
     */
    void flushWrites();

    /**
     * {@return a window of {@code size} bytes at {@code offset} inside this one} It shares this
     * accessor's rules and mapping, sees only its own range and is closed when this accessor is
     * closed. Closing a slice closes only the slice.
     *
     * @param offset the offset of the slice in this window
     * @param size   its size in bytes
     * @throws OutOfBoundsAccessException if {@code offset < 0}, {@code size < 0} or
     *                                    {@code offset + size > size()}
     * @throws AccessorClosedException    if the accessor is closed
     */
    IoAccessor slice(long offset, long size);

    /** {@return whether this accessor (or the one it was sliced from) is closed} */
    boolean isClosed();

    /**
     * Closes this accessor; later accesses throw {@link AccessorClosedException}. Closing a
     * root accessor releases its bus and mapping. Idempotent.
     */
    @Override
    void close();
}
