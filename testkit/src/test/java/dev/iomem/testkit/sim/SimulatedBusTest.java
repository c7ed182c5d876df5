package dev.iomem.testkit.sim;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.DeviceQuirk;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("SimulatedBus")
class SimulatedBusTest {

    private static final AccessRules ARM64 = AccessRules.builder("arm64-like", MemoryType.DEVICE)
            .naturalAlignment(true).copy(CopyAlgorithm.GENERIC).build();
    private static final AccessRules X86 = AccessRules.builder("x86-like", MemoryType.DEVICE)
            .naturalAlignment(false).copy(CopyAlgorithm.X86).build();
    private static final AccessRules ZPCI = AccessRules.builder("zpci-like", MemoryType.DEVICE)
            .naturalAlignment(true).copy(CopyAlgorithm.S390X)
            .blockStore(new BlockStoreLimits(128, 8, 8)).boundary(4096).build();

    @Test
    @DisplayName("stores little-endian bytes and loads them back, tracing each transaction with its value")
    void littleEndianAndTraced() {
        SimulatedBus bus = new SimulatedBus(X86, 64);
        bus.store(3, Width.INT, 0x1122_3344L);
        assertThat(bus.peek(3, 4)).containsExactly(0x44, 0x33, 0x22, 0x11);
        assertThat(bus.load(3, Width.SHORT)).isEqualTo(0x3344);
        bus.store(8, Width.LONG, -1L);
        assertThat(bus.load(8, Width.LONG)).isEqualTo(-1L);
        assertThat(bus.trace().entries()).containsExactly(
                TraceEntry.scalar(AccessKind.STORE, 3, 4, 0x1122_3344L),
                TraceEntry.scalar(AccessKind.LOAD, 3, 2, 0x3344),
                TraceEntry.scalar(AccessKind.STORE, 8, 8, -1L),
                TraceEntry.scalar(AccessKind.LOAD, 8, 8, -1L));
        assertThat(bus.faults()).isEmpty();
    }

    @Test
    @DisplayName("faults on a misaligned access where alignment is required, naming the rule, offset and size, and neither performs nor traces it")
    void misaligned() {
        SimulatedBus bus = new SimulatedBus(ARM64, 64);
        assertThatThrownBy(() -> bus.store(4, Width.LONG, 1))
                .isInstanceOf(SimulatedFault.class)
                .hasMessageContaining("[rule natural-alignment]").hasMessageContaining("store of 8 B at offset 0x4")
                .hasMessageContaining("arm64-like/DEVICE");
        assertThat(bus.trace().isEmpty()).isTrue();
        assertThat(bus.peek(0, 16)).containsOnly(0);
        assertThat(bus.faults()).singleElement().extracting(SimulatedFault::rule, SimulatedFault::offset, SimulatedFault::size)
                .containsExactly("natural-alignment", 4L, 8L);
        assertThatThrownBy(() -> bus.store(3, Width.INT, 1)).isInstanceOf(SimulatedFault.class); // x86 tolerance is not arm64's
        assertThat(bus.faults()).hasSize(2);
    }

    @Test
    @DisplayName("faults on a width the rules forbid")
    void forbiddenWidth() {
        AccessRules no64 = X86.withQuirk(DeviceQuirk.forbidWidths("no-64-bit", Width.LONG));
        SimulatedBus bus = new SimulatedBus(no64, 64);
        assertThatThrownBy(() -> bus.load(8, Width.LONG)).isInstanceOf(SimulatedFault.class)
                .hasMessageContaining("[rule allowed-width]").hasMessageContaining("64-bit access is not allowed");
    }

    @Test
    @DisplayName("faults on an access that crosses the boundary and on one outside the window")
    void boundaryAndRange() {
        AccessRules crossing = AccessRules.builder("any-align-4k", MemoryType.DEVICE).naturalAlignment(false).boundary(4096).build();
        SimulatedBus bus = new SimulatedBus(crossing, 8192);
        assertThatThrownBy(() -> bus.store(4094, Width.INT, 1)).isInstanceOf(SimulatedFault.class)
                .hasMessageContaining("[rule boundary]").hasMessageContaining("crosses a 4096-byte boundary at 0x1000");
        bus.store(4092, Width.INT, 1);
        assertThatThrownBy(() -> bus.load(8190, Width.INT)).isInstanceOf(SimulatedFault.class).hasMessageContaining("[rule inside-window]");
        assertThatThrownBy(() -> bus.load(-1, Width.BYTE)).isInstanceOf(SimulatedFault.class).hasMessageContaining("[rule inside-window]");
        assertThatThrownBy(() -> bus.load(Long.MAX_VALUE, Width.LONG)).isInstanceOf(SimulatedFault.class).hasMessageContaining("[rule inside-window]");
        assertThat(bus.trace().transactions()).hasSize(1);
    }

    @Test
    @DisplayName("block stores obey the limits: no block store without them, length, multiple, alignment and boundary")
    void blockStores() {
        SimulatedBus zpci = new SimulatedBus(ZPCI, 8192);
        assertThat(zpci.blockStoreLimit()).isEqualTo(128);
        zpci.storeBlock(4096 - 64, MemorySegment.ofArray(new byte[64]));
        assertThat(zpci.trace().entries()).singleElement().isEqualTo(TraceEntry.block(4096 - 64, new byte[64]));
        assertThatThrownBy(() -> zpci.storeBlock(0, MemorySegment.ofArray(new byte[136]))).hasMessageContaining("1 to 128 bytes");
        assertThatThrownBy(() -> zpci.storeBlock(0, MemorySegment.ofArray(new byte[20]))).hasMessageContaining("multiple of 8");
        assertThatThrownBy(() -> zpci.storeBlock(4, MemorySegment.ofArray(new byte[16]))).hasMessageContaining("start at a multiple of 8");
        assertThatThrownBy(() -> zpci.storeBlock(4096 - 32, MemorySegment.ofArray(new byte[64]))).hasMessageContaining("[rule boundary]");
        SimulatedBus x86 = new SimulatedBus(X86, 64);
        assertThat(x86.blockStoreLimit()).isZero();
        assertThatThrownBy(() -> x86.storeBlock(0, MemorySegment.ofArray(new byte[16]))).isInstanceOf(SimulatedFault.class)
                .hasMessageContaining("[rule block-store-limits]").hasMessageContaining("no block store");
        assertThat(zpci.faults()).hasSize(4);
    }

    @Test
    @DisplayName("faults on any transaction after close; close may be called again")
    void closed() {
        SimulatedBus bus = new SimulatedBus(X86, 64);
        bus.close();
        bus.close();
        assertThat(bus.isClosed()).isTrue();
        assertThat(bus.closeCalls()).isEqualTo(2);
        assertThatThrownBy(() -> bus.load(0, Width.BYTE)).isInstanceOf(SimulatedFault.class).hasMessageContaining("after close()");
    }

    @Test
    @DisplayName("a read-to-clear register is cleared by any overlapping read, even a wider one")
    void readToClear() {
        SimulatedBus bus = new SimulatedBus(X86, 64).register(8, Width.INT, RegisterBehavior.READ_TO_CLEAR);
        bus.pokeValue(8, Width.INT, 0xCAFE);
        assertThat(bus.load(4, Width.LONG)).isEqualTo(0xCAFEL << 32);
        assertThat(bus.peekValue(8, Width.INT)).isZero();
        assertThat(bus.load(8, Width.INT)).isZero();
    }

    @Test
    @DisplayName("a FIFO pops one value per read, so a repeated read skips a value")
    void fifo() {
        SimulatedBus bus = new SimulatedBus(X86, 64).register(16, Width.INT, RegisterBehavior.FIFO);
        bus.pushFifo(16, 1, 2, 3);
        assertThat(List.of(bus.load(16, Width.INT), bus.load(16, Width.SHORT), bus.load(16, Width.INT), bus.load(16, Width.INT)))
                .containsExactly(1L, 2L, 3L, 0L);
        assertThat(bus.fifoDepth(16)).isZero();
        assertThatThrownBy(() -> bus.pushFifo(20, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("write-1-to-clear clears only written bits; read-only ignores writes; write-only reads 0")
    void writeSideEffects() {
        SimulatedBus bus = new SimulatedBus(X86, 64)
                .register(0, Width.INT, RegisterBehavior.WRITE_1_TO_CLEAR)
                .register(4, Width.INT, RegisterBehavior.READ_ONLY)
                .register(8, Width.INT, RegisterBehavior.WRITE_ONLY);
        bus.pokeValue(0, Width.INT, 0xFF);
        bus.pokeValue(4, Width.INT, 0x1234);
        bus.store(0, Width.INT, 0x0F);
        bus.store(4, Width.INT, 0xFFFF);
        bus.store(8, Width.INT, 0x55);
        assertThat(bus.peekValue(0, Width.INT)).isEqualTo(0xF0);
        assertThat(bus.peekValue(4, Width.INT)).isEqualTo(0x1234);
        assertThat(bus.peekValue(8, Width.INT)).isEqualTo(0x55);
        assertThat(bus.load(8, Width.INT)).isZero();
        assertThatThrownBy(() -> bus.register(6, Width.INT, RegisterBehavior.FIFO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overlaps");
    }

    @Test
    @DisplayName("refuses a window that is empty or too large")
    void badSize() {
        assertThatThrownBy(() -> new SimulatedBus(X86, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to");
        assertThatThrownBy(() -> new SimulatedBus(X86, SimulatedBus.MAX_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("recording barriers share the bus's trace, in call order")
    void barriers() {
        SimulatedDevice dev = SimulatedDevice.create(X86, 64);
        dev.barriers().beforeWrite();
        dev.bus().store(0, Width.BYTE, 1);
        dev.bus().load(0, Width.BYTE);
        dev.barriers().afterRead(0);
        dev.barriers().flushWrites();
        assertThat(dev.trace().entries()).extracting(TraceEntry::kind).containsExactly(AccessKind.BARRIER_BEFORE_WRITE,
                AccessKind.STORE, AccessKind.LOAD, AccessKind.BARRIER_AFTER_READ, AccessKind.FLUSH);
        assertThat(dev.trace().entries().getFirst().offset()).isEqualTo(-1);
    }
}
