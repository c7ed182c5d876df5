package dev.iomem.arch.s390x;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The zPCI bus over a mocked system-call gateway: the exact calls, bytes and errors. */
@DisplayName("The zPCI system-call bus")
class ZpciSyscallBusTest {

    /** One system call as the kernel would have seen it: the buffer's bytes at call time. */
    record Call(long number, long address, long length, String bytes) {
    }

    private final Arena arena = Arena.ofShared();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private MemorySegment window;
    private SyscallGateway gateway;
    /** The device bytes the mocked kernel hands back on a read. */
    private volatile byte[] deviceBytes = new byte[0];
    /** What the mocked kernel returns. */
    private volatile long result;

    @BeforeEach
    void mockKernel() {
        window = arena.allocate(3 * ZpciSyscallBus.PAGE_BYTES, ZpciSyscallBus.PAGE_BYTES);
        gateway = mock(SyscallGateway.class);
        when(gateway.call(anyLong(), anyLong(), any(), anyLong())).thenAnswer(inv -> {
            long number = inv.getArgument(0);
            MemorySegment buffer = inv.getArgument(2);
            long length = inv.getArgument(3);
            if (number == SyscallGateway.S390_PCI_MMIO_READ) {
                MemorySegment.copy(MemorySegment.ofArray(deviceBytes), 0, buffer, 0, length);
            }
            byte[] seen = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
            calls.add(new Call(number, inv.getArgument(1), length, HexFormat.ofDelimiter(" ").formatHex(seen)));
            return result;
        });
    }

    private ZpciSyscallBus bus() {
        return new ZpciSyscallBus(new MappedRegion(window, MemoryType.DEVICE, "test BAR 0", false), gateway);
    }

    private Call write(long offset, long length, String bytes) {
        return new Call(352, window.address() + offset, length, bytes);
    }

    private Call read(long offset, long length, String bytes) {
        return new Call(353, window.address() + offset, length, bytes);
    }

    @Test
    @DisplayName("a store of 0x11223344 at width INT puts the device bytes 44 33 22 11 into one write call")
    void intStoreIsLittleEndian() {
        bus().store(0x10, Width.INT, 0x11223344L);
        assertThat(calls).containsExactly(write(0x10, 4, "44 33 22 11"));
    }

    @ParameterizedTest(name = "{0} at 0x{1}")
    @CsvSource({
            "BYTE, 7, 00000000000000A5, a5",
            "SHORT, 2, 000000000000BEEF, ef be",
            "INT, 1004, 00000000DEADBEEF, ef be ad de",
            "LONG, FF8, 0123456789ABCDEF, ef cd ab 89 67 45 23 01",
            "LONG, 1000, FFFFFFFFFFFFFFFE, fe ff ff ff ff ff ff ff",
    })
    @DisplayName("every width is one write call of exactly its bytes, little-endian, at window address + offset")
    void everyWidthStore(Width width, String offsetHex, String valueHex, String bytes) {
        long offset = Long.parseLong(offsetHex, 16);
        bus().store(offset, width, Long.parseUnsignedLong(valueHex, 16));
        assertThat(calls).containsExactly(write(offset, width.bytes(), bytes));
    }

    @ParameterizedTest(name = "{0} at 0x{1}")
    @CsvSource({
            "BYTE, 3, f0, 00000000000000F0",
            "SHORT, 8, 34 12, 0000000000001234",
            "INT, 10, 44 33 22 11, 0000000011223344",
            "INT, 20, ff ff ff ff, 00000000FFFFFFFF",
            "LONG, 1FF8, 08 07 06 05 04 03 02 81, 8102030405060708",
    })
    @DisplayName("every width is one read call whose little-endian device bytes become the zero-extended value")
    void everyWidthLoad(Width width, String offsetHex, String bytes, String valueHex) {
        long offset = Long.parseLong(offsetHex, 16);
        deviceBytes = HexFormat.ofDelimiter(" ").parseHex(bytes);
        assertThat(bus().load(offset, width)).isEqualTo(Long.parseUnsignedLong(valueHex, 16));
        assertThat(calls).containsExactly(read(offset, width.bytes(), bytes));
    }

    @Test
    @DisplayName("a block store is one write call of all its bytes, from a heap or a native source")
    void blockStore() {
        byte[] data = new byte[128];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 3 + 1);
        }
        ZpciSyscallBus bus = bus();
        assertThat(bus.blockStoreLimit()).isEqualTo(128);
        bus.storeBlock(0x80, MemorySegment.ofArray(data));
        MemorySegment nativeSrc = arena.allocate(16);
        nativeSrc.copyFrom(MemorySegment.ofArray(data).asSlice(0, 16));
        bus.storeBlock(0x1000 - 16, nativeSrc);
        assertThat(calls).containsExactly(
                write(0x80, 128, HexFormat.ofDelimiter(" ").formatHex(data)),
                write(0x1000 - 16, 16, HexFormat.ofDelimiter(" ").formatHex(data, 0, 16)));
    }

    @Test
    @DisplayName("an empty or over-long block store is refused with zero system calls")
    void blockStoreLength() {
        ZpciSyscallBus bus = bus();
        assertThatThrownBy(() -> bus.storeBlock(0, MemorySegment.ofArray(new byte[129])))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a zPCI block store is 1 to 128 bytes, got 129");
        assertThatThrownBy(() -> bus.storeBlock(0, MemorySegment.ofArray(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a zPCI block store is 1 to 128 bytes, got 0");
        verifyNoInteractions(gateway);
    }

    @Test
    @DisplayName("no access may cross a 4 KiB page: refused before any system call, while one ending at the page end is made")
    void pageCrossing() {
        ZpciSyscallBus bus = bus();
        assertThatThrownBy(() -> bus.store(0xFFC, Width.LONG, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("a zPCI access of 8 bytes at offset 0xffc").hasMessageEndingWith("would cross a 4 KiB page");
        assertThatThrownBy(() -> bus.load(0x1FFE, Width.INT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bus.storeBlock(0xFF8, MemorySegment.ofArray(new byte[16]))).isInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(gateway);
        bus.store(0xFF8, Width.LONG, 1);
        assertThat(calls).extracting(Call::address).containsExactly(window.address() + 0xFF8);
    }

    @Test
    @DisplayName("the page rule applies to the device address, not to the offset")
    void pageOfAddress() {
        MemorySegment shifted = window.asSlice(0x10);
        ZpciSyscallBus bus = new ZpciSyscallBus(new MappedRegion(shifted, MemoryType.DEVICE, "shifted", false), gateway);
        assertThatThrownBy(() -> bus.store(0xFEC, Width.LONG, 1)).isInstanceOf(IllegalArgumentException.class);
        verifyNoInteractions(gateway);
        bus.store(0xFF0, Width.LONG, 1); // address = page 1 start
        assertThat(calls).extracting(Call::address).containsExactly(window.address() + 0x1000);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"-19, ENODEV (19)", "-22, EINVAL (22)", "-5, EIO (5)", "-14, EFAULT (14)", "-99, errno 99"})
    @DisplayName("a failed read names the errno")
    void readErrno(long kernelResult, String named) {
        result = kernelResult;
        deviceBytes = new byte[4];
        assertThatThrownBy(() -> bus().load(0x10, Width.INT)).isInstanceOfSatisfying(IoFaultException.class, e -> {
            assertThat(e).hasMessage("s390_pci_mmio_read at offset 0x10 (4 bytes) failed: " + named);
            assertThat(e.errno()).hasValue((int) -kernelResult);
            assertThat(e.offset()).isEqualTo(0x10);
            assertThat(e.length()).isEqualTo(4);
        });
    }

    @Test
    @DisplayName("failed writes name the errno, and a positive result is reported as a PCI condition code")
    void writeFailures() {
        ZpciSyscallBus bus = bus();
        result = -5;
        assertThatThrownBy(() -> bus.store(0x20, Width.SHORT, 7))
                .isInstanceOf(IoFaultException.class).hasMessage("s390_pci_mmio_write at offset 0x20 (2 bytes) failed: EIO (5)");
        result = -19;
        assertThatThrownBy(() -> bus.storeBlock(0x40, MemorySegment.ofArray(new byte[64])))
                .isInstanceOf(IoFaultException.class).hasMessage("s390_pci_mmio_write at offset 0x40 (64 bytes) failed: ENODEV (19)");
        result = 2;
        assertThatThrownBy(() -> bus.store(0x8, Width.LONG, 7)).isInstanceOfSatisfying(IoFaultException.class, e -> {
            assertThat(e).hasMessage("s390_pci_mmio_write at offset 0x8 (8 bytes) failed: PCI condition code 2");
            assertThat(e.errno()).isEmpty();
        });
    }

    @Test
    @DisplayName("an access outside the window is refused with zero system calls")
    void bounds() {
        ZpciSyscallBus bus = bus();
        assertThatThrownBy(() -> bus.load(3 * 4096, Width.BYTE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> bus.store(-8, Width.LONG, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> bus.store(Long.MAX_VALUE - 2, Width.INT, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        verifyNoInteractions(gateway);
    }

    @Test
    @DisplayName("after close, or after the mapping is released, nothing reaches the kernel; close is idempotent")
    void closedAndReleased() {
        ZpciSyscallBus bus = bus();
        bus.close();
        bus.close();
        assertThatThrownBy(() -> bus.load(0, Width.INT)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the zPCI bus of test BAR 0 is closed");
        Arena mapping = Arena.ofConfined();
        ZpciSyscallBus released = new ZpciSyscallBus(
                new MappedRegion(mapping.allocate(4096, 4096), MemoryType.DEVICE, "released BAR", false), gateway);
        mapping.close();
        assertThatThrownBy(() -> released.store(0, Width.INT, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the mapping of released BAR has been released");
        verifyNoInteractions(gateway);
    }

    @Test
    @DisplayName("a read-only window refuses stores with zero system calls but still reads")
    void readOnly() {
        ZpciSyscallBus bus = new ZpciSyscallBus(new MappedRegion(window, MemoryType.DEVICE, "ro BAR", true), gateway);
        assertThatThrownBy(() -> bus.store(0, Width.INT, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("ro BAR is mapped read-only");
        assertThatThrownBy(() -> bus.storeBlock(0, MemorySegment.ofArray(new byte[8]))).isInstanceOf(IllegalStateException.class);
        verifyNoInteractions(gateway);
        deviceBytes = new byte[] {1, 0, 0, 0};
        assertThat(bus.load(0, Width.INT)).isEqualTo(1);
    }

    @Test
    @DisplayName("many threads on one bus each hand the kernel their own bytes")
    void manyThreads() throws Exception {
        ZpciSyscallBus bus = bus();
        int threads = 4;
        int perThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long offset = t * 8L;
                long value = 0x0101010101010101L * (t + 1);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        bus.store(offset, Width.LONG, value);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls).hasSize(threads * perThread).allSatisfy(c -> {
            long t = (c.address() - window.address()) / 8;
            String b = String.format("%02x", t + 1);
            assertThat(c.bytes()).isEqualTo((b + " ").repeat(7) + b);
        });
    }
}
