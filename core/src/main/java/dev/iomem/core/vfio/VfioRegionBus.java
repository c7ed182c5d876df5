package dev.iomem.core.vfio;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.Width;
import dev.iomem.core.linux.ErrnoException;
import dev.iomem.spi.IoBus;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * An {@link IoBus} over {@code pread}/{@code pwrite} of a VFIO device file: exactly one call, of
 * exactly the access's size, per device transaction. vfio-pci turns an aligned 1-, 2-, 4- or
 * 8-byte call into one {@code ioreadN}/{@code iowriteN} (drivers/vfio/pci/vfio_pci_rdwr.c), so
 * this is the bus for regions the kernel will not let user space map: s390x zPCI BARs, the parts
 * a sparse mmap leaves out, I/O port BARs. Bytes travel in PCI (little-endian) order on every
 * architecture, which is the bus's value convention.
 *
 * <p>It has no block store: vfio-pci would split one into 8-byte accesses.
 */
public final class VfioRegionBus implements IoBus {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** One 8-byte buffer per thread: the calls copy through it. */
    private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));

    private final IoctlGateway gateway;
    private final int fd;
    private final long fileOffset;
    private final long size;
    private final boolean readOnly;
    private final String description;
    private volatile boolean closed;

    /**
     * Creates a bus over part of a region.
     *
     * @param gateway     makes the calls
     * @param fd          the device file
     * @param fileOffset  where the window starts in the device file
     * @param size        the window's size
     * @param readOnly    whether the region refuses writes
     * @param description the window, for messages: for example {@code "0000:00:04.0 BAR0 (vfio pread/pwrite)"}
     * @throws NullPointerException     if a reference is {@code null}
     * @throws IllegalArgumentException if {@code size} is not positive or {@code fileOffset} negative
     */
    public VfioRegionBus(IoctlGateway gateway, int fd, long fileOffset, long size, boolean readOnly, String description) {
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.description = Objects.requireNonNull(description, "description");
        if (size <= 0 || fileOffset < 0) {
            throw new IllegalArgumentException(description + ": window of 0x" + Long.toHexString(size) + " bytes at file offset 0x"
                    + Long.toHexString(fileOffset) + " is empty or negative");
        }
        this.fd = fd;
        this.fileOffset = fileOffset;
        this.size = size;
        this.readOnly = readOnly;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public long load(long offset, Width width) {
        MemorySegment buf = BUFFER.get().asSlice(0, width.bytes());
        transfer(offset, width, buf, false);
        return switch (width) {
            case BYTE -> Byte.toUnsignedLong(buf.get(ValueLayout.JAVA_BYTE, 0));
            case SHORT -> Short.toUnsignedLong(buf.get(LE_SHORT, 0));
            case INT -> Integer.toUnsignedLong(buf.get(LE_INT, 0));
            case LONG -> buf.get(LE_LONG, 0);
        };
    }

    @Override
    public void store(long offset, Width width, long value) {
        if (readOnly) {
            throw new IoFaultException(description + " is read-only", offset, width.bytes());
        }
        MemorySegment buf = BUFFER.get().asSlice(0, width.bytes());
        switch (width) {
            case BYTE -> buf.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
            case SHORT -> buf.set(LE_SHORT, 0, (short) value);
            case INT -> buf.set(LE_INT, 0, (int) value);
            case LONG -> buf.set(LE_LONG, 0, value);
        }
        transfer(offset, width, buf, true);
    }

    private void transfer(long offset, Width width, MemorySegment buf, boolean write) {
        if (closed) {
            throw new IllegalStateException(description + " is closed");
        }
        // The accessor above has checked bounds; this guards the file offset itself.
        if (offset < 0 || offset > size - width.bytes()) {
            throw new IoFaultException(description + ": " + width.bytes() + " bytes at 0x" + Long.toHexString(offset)
                    + " lie outside its 0x" + Long.toHexString(size) + " bytes", offset, width.bytes());
        }
        long done;
        try {
            done = write ? gateway.pwrite(fd, buf, fileOffset + offset) : gateway.pread(fd, buf, fileOffset + offset);
        } catch (ErrnoException e) {
            throw new IoFaultException(description + ": " + (write ? "pwrite" : "pread") + " of " + width.bytes()
                    + " bytes at 0x" + Long.toHexString(offset) + " failed: " + ErrnoException.name(e.errno()),
                    offset, width.bytes(), e.errno());
        }
        if (done != width.bytes()) {
            throw new IoFaultException(description + ": " + (write ? "pwrite" : "pread") + " of " + width.bytes()
                    + " bytes at 0x" + Long.toHexString(offset) + " moved " + done, offset, width.bytes());
        }
    }

    /** Marks the bus closed; the device file stays its device's. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
