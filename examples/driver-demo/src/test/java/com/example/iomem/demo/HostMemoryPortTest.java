package com.example.iomem.demo;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.core.dma.DmaTableBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("HostMemoryPort")
class HostMemoryPortTest {

    private static HostMemoryPort port(byte[] memory, DmaDirection direction) {
        var table = DmaTableBuilder.create(DmaAddressSpace.IOVA, DmaConstraints.UNRESTRICTED, direction, null, false)
                .add(0x9000, 16).add(0x1000, 16).build(() -> { });
        return new HostMemoryPort(MemorySegment.ofArray(memory), DmaSegmentIndex.of(table), direction);
    }

    @Test
    @DisplayName("reads and writes the buffer bytes the segments point at, and logs each transfer")
    void readsAndWrites() {
        byte[] memory = new byte[32];
        memory[16] = 42;
        HostMemoryPort port = port(memory, DmaDirection.BIDIRECTIONAL);
        assertThat(port.read(0x1000, 1, "probe")).containsExactly(42);
        port.write(0x9004, new byte[] {7, 8}, "poke");
        assertThat(memory[4]).isEqualTo((byte) 7);
        assertThat(memory[5]).isEqualTo((byte) 8);
        assertThat(port.log()).containsExactly(new DmaAccess(false, 0x1000, 1, 16, "probe"), new DmaAccess(true, 0x9004, 2, 4, "poke"));
    }

    @Test
    @DisplayName("refuses an address outside the table and touches nothing")
    void refusesOutside() {
        byte[] memory = new byte[32];
        HostMemoryPort port = port(memory, DmaDirection.BIDIRECTIONAL);
        assertThatThrownBy(() -> port.write(0x2000, new byte[] {1}, "stray")).isInstanceOf(DmaFault.class);
        assertThat(memory).containsOnly(0);
        assertThat(port.log()).isEmpty();
    }

    @Test
    @DisplayName("refuses a device write to a TO_DEVICE mapping and a device read of a FROM_DEVICE one")
    void refusesDirection() {
        assertThatThrownBy(() -> port(new byte[32], DmaDirection.TO_DEVICE).write(0x1000, new byte[] {1}, "w"))
                .isInstanceOf(DmaFault.class).hasMessageContaining("TO_DEVICE");
        assertThatThrownBy(() -> port(new byte[32], DmaDirection.FROM_DEVICE).read(0x1000, 1, "r"))
                .isInstanceOf(DmaFault.class).hasMessageContaining("FROM_DEVICE");
    }

    @Test
    @DisplayName("refuses a table that maps more than the buffer holds")
    void refusesShortBuffer() {
        assertThatThrownBy(() -> port(new byte[31], DmaDirection.BIDIRECTIONAL)).isInstanceOf(IllegalArgumentException.class);
    }
}
