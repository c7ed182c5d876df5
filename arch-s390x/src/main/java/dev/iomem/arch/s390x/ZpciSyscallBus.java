package dev.iomem.arch.s390x;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.Width;
import dev.iomem.core.linux.ErrnoException;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The s390x bus: every device access is one {@code s390_pci_mmio_read} (353) or
 * {@code s390_pci_mmio_write} (352) system call through a {@link SyscallGateway}. It never loads
 * from or stores to the mapping itself: on s390x a CPU load or store to a PCI mapping is not an
 * MMIO access (only the PCI instructions are, which the kernel issues for us).
 *
 * <p>The address passed is the virtual address of the mapped window plus the offset; the kernel
 * translates it ({@code arch/s390/pci/pci_mmio.c}). No call crosses a 4 KiB page of that address
 * (the kernel returns {@code EINVAL} for one that does; here it is refused before the call).
 *
 * <p>Byte order: the syscall buffer holds the device bytes in address order, which for a PCI
 * (little-endian) register are the little-endian bytes of its value. The bus writes and reads the
 * buffer with explicitly little-endian layouts, so on the big-endian s390x CPU a value is
 * byte-swapped exactly once, as the kernel's {@code readl = le32_to_cpu(__raw_readl)} does.
 *
 * <p>Failures: a negative result is an {@code errno} ({@code ENODEV}: no zPCI; {@code EINVAL}:
 * bad length, page crossing or not an I/O mapping; {@code EIO}: the PCI instruction failed;
 * {@code EACCES}, {@code EFAULT}, ...). A positive result is a PCI condition code, which the
 * kernel's MIO path returns as is ({@code __memcpy_toio_inuser}). Both become an
 * {@link IoFaultException} that names them.
 *
 * <p>The buffer is a 128-byte native segment per thread (from an automatic arena), so an access
 * allocates nothing. Tested here with a mocked gateway only; not run on s390x hardware.
 */
public final class ZpciSyscallBus implements IoBus {

    /** The zPCI boundary, and the kernel's page for these calls: no call crosses it. */
    public static final long PAGE_BYTES = 4096;

    /** The longest block store: {@code ZPCI_MAX_WRITE_SIZE}, one PCI STORE BLOCK. */
    public static final int BLOCK_STORE_LIMIT = 128;

    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final ThreadLocal<MemorySegment> BUFFER =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BLOCK_STORE_LIMIT, 8));

    private final MemorySegment window;
    private final long base;
    private final long size;
    private final boolean readOnly;
    private final String description;
    private final SyscallGateway gateway;
    private volatile boolean closed;

    /**
     * Creates a bus over a mapped window.
     *
     * @param region  the mapped BAR window; only its address and size are used
     * @param gateway the system-call gateway, {@link SyscallGateway#libc()} on real hardware
     * @throws NullPointerException if an argument is {@code null}
     */
    public ZpciSyscallBus(MappedRegion region, SyscallGateway gateway) {
        Objects.requireNonNull(region, "region");
        this.gateway = Objects.requireNonNull(gateway, "gateway");
        this.window = region.segment();
        this.base = window.address();
        this.size = window.byteSize();
        this.readOnly = region.readOnly();
        this.description = region.description();
    }

    @Override
    public long size() {
        return size;
    }

    /** {@return whether the region was mapped read-only: every store is then refused} */
    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    /**
     * Reads one value with one {@code s390_pci_mmio_read} of {@code width.bytes()} bytes.
     *
     * @throws IllegalStateException     if the bus is closed or the mapping was released
     * @throws IndexOutOfBoundsException if the access is not inside the window
     * @throws IllegalArgumentException  if it would cross a 4 KiB page
     * @throws IoFaultException          if the kernel failed the call
     */
    @Override
    public long load(long offset, Width width) {
        int n = width.bytes();
        check(offset, n);
        MemorySegment buf = BUFFER.get();
        long r = gateway.call(SyscallGateway.S390_PCI_MMIO_READ, base + offset, buf, n);
        if (r != 0) {
            throw fault("s390_pci_mmio_read", offset, n, r);
        }
        return switch (width) {
            case BYTE -> buf.get(ValueLayout.JAVA_BYTE, 0) & 0xFFL;
            case SHORT -> buf.get(LE16, 0) & 0xFFFFL;
            case INT -> buf.get(LE32, 0) & 0xFFFF_FFFFL;
            case LONG -> buf.get(LE64, 0);
        };
    }

    /**
     * Writes one value with one {@code s390_pci_mmio_write} of {@code width.bytes()} bytes.
     *
     * @throws IllegalStateException         if the bus is closed, the mapping was released, or
     *                                       the window was mapped read-only
     * @throws IndexOutOfBoundsException     if the access is not inside the window
     * @throws IllegalArgumentException      if it would cross a 4 KiB page
     * @throws IoFaultException              if the kernel failed the call
     */
    @Override
    public void store(long offset, Width width, long value) {
        int n = width.bytes();
        checkWritable();
        check(offset, n);
        MemorySegment buf = BUFFER.get();
        switch (width) {
            case BYTE -> buf.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
            case SHORT -> buf.set(LE16, 0, (short) value);
            case INT -> buf.set(LE32, 0, (int) value);
            case LONG -> buf.set(LE64, 0, value);
        }
        write(offset, buf, n);
    }

    /** {@return 128: one system call, which the kernel turns into one PCI STORE BLOCK where it can} */
    @Override
    public int blockStoreLimit() {
        return BLOCK_STORE_LIMIT;
    }

    /**
     * Writes all of {@code src}, device bytes in address order, with one
     * {@code s390_pci_mmio_write}.
     *
     * @throws IllegalStateException         if the bus is closed, the mapping was released, or
     *                                       the window was mapped read-only
     * @throws IllegalArgumentException      if {@code src} is empty or longer than 128 bytes, or
     *                                       the store would cross a 4 KiB page
     * @throws IndexOutOfBoundsException     if the store is not inside the window
     * @throws IoFaultException              if the kernel failed the call
     */
    @Override
    public void storeBlock(long offset, MemorySegment src) {
        long n = src.byteSize();
        checkWritable();
        if (n < 1 || n > BLOCK_STORE_LIMIT) {
            throw new IllegalArgumentException("a zPCI block store is 1 to " + BLOCK_STORE_LIMIT + " bytes, got " + n);
        }
        check(offset, n);
        MemorySegment buf = BUFFER.get();
        MemorySegment.copy(src, 0, buf, 0, n); // RAM to RAM: the caller's bytes into the syscall buffer
        write(offset, buf, n);
    }

    private void write(long offset, MemorySegment buf, long n) {
        long r = gateway.call(SyscallGateway.S390_PCI_MMIO_WRITE, base + offset, buf, n);
        if (r != 0) {
            throw fault("s390_pci_mmio_write", offset, n, r);
        }
    }

    private void checkWritable() {
        if (readOnly) {
            throw new IllegalStateException(description + " is mapped read-only");
        }
    }

    private void check(long offset, long n) {
        if (closed) {
            throw new IllegalStateException("the zPCI bus of " + description + " is closed");
        }
        if (!window.scope().isAlive()) {
            throw new IllegalStateException("the mapping of " + description + " has been released");
        }
        Objects.checkFromIndexSize(offset, n, size);
        long address = base + offset;
        if ((address & (PAGE_BYTES - 1)) + n > PAGE_BYTES) {
            throw new IllegalArgumentException(String.format(
                    "a zPCI access of %d bytes at offset 0x%x (address 0x%x) would cross a 4 KiB page", n, offset, address));
        }
    }

    private static IoFaultException fault(String call, long offset, long n, long result) {
        String what = String.format("%s at offset 0x%x (%d bytes) failed: ", call, offset, n);
        if (result < 0) {
            int errno = (int) -result;
            return new IoFaultException(what + ErrnoException.name(errno), offset, n, errno);
        }
        return new IoFaultException(what + "PCI condition code " + result, offset, n);
    }

    /** Marks the bus closed; later accesses throw. The mapping belongs to its creator. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "zPCI system-call bus of " + description + " (" + size + " bytes)";
    }
}
