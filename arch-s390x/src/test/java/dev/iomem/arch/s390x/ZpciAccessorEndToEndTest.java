package dev.iomem.arch.s390x;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * The s390x backend's accessor over the zPCI bus, with only the kernel mocked: the system calls a
 * driver's reads, writes and copies turn into.
 */
@DisplayName("s390x accessor over the zPCI system-call bus, end to end")
class ZpciAccessorEndToEndTest {

    record Call(long number, long offset, long length, String bytes) {
    }

    private final Arena arena = Arena.ofAuto();
    private final List<Call> calls = new ArrayList<>();
    private MemorySegment window;
    private SyscallGateway gateway;
    private Barriers barriers;
    private IoAccessor io;

    /** What the mocked device holds at an address: its low byte, so reassembly errors show. */
    private static byte deviceByte(long offset) {
        return (byte) (offset * 7 + 3);
    }

    @BeforeEach
    void mockKernel() {
        window = arena.allocate(3 * 4096, 4096);
        gateway = mock(SyscallGateway.class);
        barriers = mock(Barriers.class);
        when(gateway.call(anyLong(), anyLong(), any(), anyLong())).thenAnswer(inv -> {
            long number = inv.getArgument(0);
            long offset = (long) inv.getArgument(1) - window.address();
            MemorySegment buffer = inv.getArgument(2);
            long length = inv.getArgument(3);
            if (number == SyscallGateway.S390_PCI_MMIO_READ) {
                for (int i = 0; i < length; i++) {
                    buffer.set(ValueLayout.JAVA_BYTE, i, deviceByte(offset + i));
                }
            }
            byte[] seen = buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE);
            calls.add(new Call(number, offset, length, HexFormat.of().formatHex(seen)));
            return 0L;
        });
        ZpciSyscallBus bus = new ZpciSyscallBus(new MappedRegion(window, MemoryType.DEVICE, "zPCI BAR 0", false), gateway);
        io = new S390xBackend().accessor(bus, MemoryType.DEVICE, barriers);
    }

    @Test
    @DisplayName("write32 is the barrier, then one 4-byte write call of the little-endian bytes")
    void write32() {
        io.write32(0x10, 0x11223344);
        assertThat(calls).containsExactly(new Call(352, 0x10, 4, "44332211"));
        InOrder order = inOrder(barriers, gateway);
        order.verify(barriers).beforeWrite();
        order.verify(gateway).call(eq(352L), eq(window.address() + 0x10), any(), eq(4L));
    }

    @Test
    @DisplayName("read32 is one 4-byte read call, then the barrier, and assembles the value little-endian")
    void read32() {
        int v = io.read32(0x10);
        assertThat(v).isEqualTo((deviceByte(0x13) & 0xff) << 24 | (deviceByte(0x12) & 0xff) << 16
                | (deviceByte(0x11) & 0xff) << 8 | (deviceByte(0x10) & 0xff));
        assertThat(calls).extracting(Call::number, Call::offset, Call::length).containsExactly(tuple(353L, 0x10L, 4L));
        InOrder order = inOrder(barriers, gateway);
        order.verify(gateway).call(eq(353L), eq(window.address() + 0x10), any(), eq(4L));
        order.verify(barriers).afterRead(org.mockito.ArgumentMatchers.anyLong());
    }

    @Test
    @DisplayName("copyToIo is 8-byte stores up to the page end, never crossing it, then block stores of at most 128 bytes")
    void copyToIo() {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13 + 5);
        }
        io.copyToIo(MemorySegment.ofArray(data), 0xF7C);

        // zpci_get_max_io_size: chunk = min(left, 4096 - (addr & 4095), 128); whole if addr and
        // size are 8-aligned, else 8, else the largest power of two not above it.
        List<Call> expected = new ArrayList<>();
        long at = 0xF7C;
        for (int i = 0; i < 16; i++, at += 8) {
            expected.add(write(data, at, 8)); // 0xF7C is not 8-aligned: 8-byte PCI stores
        }
        expected.add(write(data, 0xFFC, 4));   // the 4 bytes left in the page
        expected.add(write(data, 0x1000, 128)); // a new page, 8-aligned: one block store
        expected.add(write(data, 0x1080, 40));  // the rest, a multiple of 8: one block store
        assertThat(calls).containsExactlyElementsOf(expected);

        assertThat(calls).allSatisfy(c -> {
            assertThat(c.offset() / 4096).isEqualTo((c.offset() + c.length() - 1) / 4096);
            assertThat(c.length()).isBetween(1L, 128L);
            if (c.length() > 8) {
                assertThat(c.offset() % 8).isZero();
                assertThat(c.length() % 8).isZero();
            }
        });
    }

    private static Call write(byte[] data, long offset, int length) {
        int from = (int) (offset - 0xF7C);
        return new Call(352, offset, length, HexFormat.of().formatHex(data, from, from + length));
    }

    @Test
    @DisplayName("copyFromIo reads at most 8 bytes per call, within the page, and reassembles the device bytes")
    void copyFromIo() {
        MemorySegment dst = arena.allocate(20);
        io.copyFromIo(0xFFA, dst); // 6 bytes to the page end, then 14
        assertThat(calls).extracting(Call::number, Call::offset, Call::length).containsExactly(
                tuple(353L, 0xFFAL, 4L),
                tuple(353L, 0xFFEL, 2L),
                tuple(353L, 0x1000L, 8L),
                tuple(353L, 0x1008L, 4L),   // 6 left: not a multiple of 8, so 4
                tuple(353L, 0x100CL, 2L));
        for (int i = 0; i < 20; i++) {
            assertThat(dst.get(ValueLayout.JAVA_BYTE, i)).as("byte %d", i).isEqualTo(deviceByte(0xFFA + i));
        }
    }
}
