package dev.iomem.core.vfio;

import dev.iomem.api.IoFaultException;
import dev.iomem.api.Width;
import dev.iomem.core.linux.ErrnoException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/** The pread/pwrite bus over a VFIO region, against a mocked gateway. */
@DisplayName("VFIO region pread/pwrite bus (mocked gateway)")
class VfioRegionBusTest {

    private static final int FD = 33;
    private static final long FILE_OFFSET = 3L << 40;
    private static final long SIZE = 0x1000;

    IoctlGateway gw;
    VfioRegionBus bus;
    final List<String> calls = new ArrayList<>();
    final List<byte[]> written = new ArrayList<>();

    @BeforeEach
    void setUp() {
        gw = mock(IoctlGateway.class);
        doAnswer(inv -> {
            MemorySegment buf = inv.getArgument(1);
            long off = inv.getArgument(2);
            calls.add("pread " + buf.byteSize() + " @0x" + Long.toHexString(off));
            for (int i = 0; i < buf.byteSize(); i++) {
                buf.set(ValueLayout.JAVA_BYTE, i, (byte) (0xA0 + i)); // A0 A1 A2 ...: byte i of the device
            }
            return buf.byteSize();
        }).when(gw).pread(anyInt(), any(), anyLong());
        doAnswer(inv -> {
            MemorySegment buf = inv.getArgument(1);
            long off = inv.getArgument(2);
            calls.add("pwrite " + buf.byteSize() + " @0x" + Long.toHexString(off));
            written.add(buf.toArray(ValueLayout.JAVA_BYTE));
            return buf.byteSize();
        }).when(gw).pwrite(anyInt(), any(), anyLong());
        bus = new VfioRegionBus(gw, FD, FILE_OFFSET, SIZE, false, "test BAR3");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Width.class)
    @DisplayName("a load is exactly one pread of exactly the access size at fileOffset+offset, read as little-endian")
    void load(Width width) {
        long expected = switch (width) {
            case BYTE -> 0xA0L;
            case SHORT -> 0xA1A0L;
            case INT -> 0xA3A2A1A0L;
            case LONG -> 0xA7A6A5A4A3A2A1A0L;
        };
        assertThat(bus.load(0x40, width)).isEqualTo(expected);
        assertThat(calls).containsExactly("pread " + width.bytes() + " @0x" + Long.toHexString(FILE_OFFSET + 0x40));
        verify(gw).pread(org.mockito.ArgumentMatchers.eq(FD), any(), org.mockito.ArgumentMatchers.eq(FILE_OFFSET + 0x40));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Width.class)
    @DisplayName("a store is exactly one pwrite of exactly the access size at fileOffset+offset, in little-endian bytes")
    void store(Width width) {
        bus.store(0x80, width, 0x1122334455667788L & width.mask());
        assertThat(calls).containsExactly("pwrite " + width.bytes() + " @0x" + Long.toHexString(FILE_OFFSET + 0x80));
        byte[] le = {(byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11};
        assertThat(written.getFirst()).isEqualTo(java.util.Arrays.copyOf(le, width.bytes()));
    }

    @Test
    @DisplayName("accesses that do not fit the window are refused with no call")
    void outside() {
        assertThatThrownBy(() -> bus.load(SIZE - 2, Width.INT)).isInstanceOf(IoFaultException.class)
                .hasMessage("test BAR3: 4 bytes at 0xffe lie outside its 0x1000 bytes");
        assertThatThrownBy(() -> bus.store(-1, Width.BYTE, 0)).isInstanceOf(IoFaultException.class);
        assertThatThrownBy(() -> bus.load(SIZE, Width.BYTE)).isInstanceOf(IoFaultException.class);
        verifyNoInteractions(gw);
    }

    @Test
    @DisplayName("a read-only region refuses stores with no call, and a closed bus refuses everything")
    void readOnlyAndClosed() {
        VfioRegionBus ro = new VfioRegionBus(gw, FD, FILE_OFFSET, SIZE, true, "ROM");
        assertThat(ro.isReadOnly()).isTrue();
        assertThatThrownBy(() -> ro.store(0, Width.INT, 1)).isInstanceOf(IoFaultException.class).hasMessage("ROM is read-only");
        verifyNoInteractions(gw);
        bus.close();
        bus.close();
        assertThatThrownBy(() -> bus.load(0, Width.INT)).isInstanceOf(IllegalStateException.class).hasMessage("test BAR3 is closed");
        verifyNoInteractions(gw);
    }

    @Test
    @DisplayName("a failed call is an IoFaultException naming the errno; a short one says how much moved")
    void failures() {
        doThrow(new ErrnoException("pread", ErrnoException.EIO)).when(gw).pread(anyInt(), any(), anyLong());
        assertThatThrownBy(() -> bus.load(0x10, Width.INT)).isInstanceOfSatisfying(IoFaultException.class, e -> {
            assertThat(e).hasMessage("test BAR3: pread of 4 bytes at 0x10 failed: EIO (5)");
            assertThat(e.errno()).hasValue(5);
        });
        doReturn(2L).when(gw).pwrite(anyInt(), any(), anyLong());
        assertThatThrownBy(() -> bus.store(0x10, Width.INT, 1)).isInstanceOf(IoFaultException.class)
                .hasMessage("test BAR3: pwrite of 4 bytes at 0x10 moved 2");
    }

    @Test
    @DisplayName("an empty window or a negative file offset is refused when the bus is made")
    void badWindow() {
        assertThatThrownBy(() -> new VfioRegionBus(gw, FD, 0, 0, false, "empty")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VfioRegionBus(gw, FD, -1, 16, false, "negative")).isInstanceOf(IllegalArgumentException.class);
    }
}
