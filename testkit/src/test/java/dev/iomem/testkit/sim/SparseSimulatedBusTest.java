package dev.iomem.testkit.sim;

import dev.iomem.api.AccessRules;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A sparse SimulatedBus")
class SparseSimulatedBusTest {

    private static final AccessRules ARM64 = AccessRules.builder("arm64-like", MemoryType.DEVICE)
            .naturalAlignment(true).copy(CopyAlgorithm.GENERIC).build();
    private static final long G4 = 1L << 32;

    @Test
    @DisplayName("holds a 5 GiB window in the pages touched, at offsets beyond 4 GiB")
    void beyond4GiB() {
        SimulatedBus bus = SimulatedBus.sparse(ARM64, 5L << 30);
        assertThat(bus.isSparse()).isTrue();
        assertThat(bus.size()).isEqualTo(5L << 30);
        bus.store(G4 + 8, Width.LONG, 0x1122_3344_5566_7788L);
        assertThat(bus.load(G4 + 8, Width.INT)).isEqualTo(0x5566_7788L);
        assertThat(bus.peek(G4 + 8, 2)).containsExactly(0x88, 0x77);
        assertThat(bus.load(8, Width.LONG)).isZero();
        bus.poke((5L << 30) - 2, (byte) 1, (byte) 2);
        assertThat(bus.peekValue((5L << 30) - 2, Width.SHORT)).isEqualTo(0x0201);
        assertThat(bus.snapshotPages()).containsOnlyKeys(G4, (5L << 30) - 4096);
        assertThatThrownBy(bus::snapshot).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> bus.load(5L << 30, Width.BYTE)).isInstanceOf(SimulatedFault.class);
        assertThatThrownBy(() -> bus.load(G4 + 1, Width.SHORT)).isInstanceOf(SimulatedFault.class)
                .hasMessageContaining("natural-alignment");
    }

    @Test
    @DisplayName("behaves as a dense bus of the same size: snapshot, registers, block stores")
    void likeDense() {
        SimulatedBus sparse = SimulatedBus.sparse(ARM64, 3 * 4096);
        SimulatedBus dense = new SimulatedBus(ARM64, 3 * 4096);
        for (SimulatedBus bus : new SimulatedBus[]{sparse, dense}) {
            bus.register(4096, Width.INT, RegisterBehavior.READ_TO_CLEAR);
            bus.pokeValue(4096, Width.INT, 0xABCD);
            assertThat(bus.load(4096, Width.INT)).isEqualTo(0xABCD);
            assertThat(bus.load(4096, Width.INT)).isZero();
            bus.store(8190, Width.SHORT, 0x0102);
        }
        assertThat(sparse.snapshot()).isEqualTo(dense.snapshot());
        assertThat(sparse.snapshotPages().keySet()).containsExactly(4096L);
        assertThat(dense.snapshotPages().keySet()).containsExactly(0L, 4096L, 8192L);
        assertThat(sparse.snapshotPages().get(4096L)).isEqualTo(dense.snapshotPages().get(4096L));
        assertThatThrownBy(() -> SimulatedBus.sparse(ARM64, SimulatedBus.MAX_SPARSE_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sparse.storeBlock(0, MemorySegment.ofArray(new byte[8]))).isInstanceOf(SimulatedFault.class);
    }
}
