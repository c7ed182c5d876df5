package com.example.iomem.demo;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.arch.x86.X86Backend;
import dev.iomem.core.dma.DmaTableBuilder;
import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.RecordingBarriers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("ToyDmaEngine")
class ToyDmaEngineTest {

    private static final long IOVA = 0x7000_0000L;

    private final byte[] memory = new byte[4096];
    private final MemorySegment ram = MemorySegment.ofArray(memory);
    private final DmaSegmentIndex index = DmaSegmentIndex.of(DmaTableBuilder.create(DmaAddressSpace.IOVA,
            DmaConstraints.UNRESTRICTED, DmaDirection.BIDIRECTIONAL, null, false).add(IOVA, memory.length).build(() -> { }));
    private final HostMemoryPort port = new HostMemoryPort(ram, index, DmaDirection.BIDIRECTIONAL);
    private final AccessTrace trace = new AccessTrace();
    private final X86Backend backend = new X86Backend();
    private final ToyDmaEngine engine = new ToyDmaEngine(backend.rules(MemoryType.DEVICE), trace, port);
    private final IoAccessor bar = backend.accessor(engine, MemoryType.DEVICE, new RecordingBarriers(trace));
    private final ToyNicDriver driver = new ToyNicDriver(bar, ram, index);

    @Test
    @DisplayName("identifies itself and does no DMA before the doorbell")
    void idleUntilDoorbell() {
        assertThat(driver.probe()).isEqualTo(ToyNicRegisters.ID_VALUE);
        driver.start();
        assertThat(bar.read32(ToyNicRegisters.STATUS)).isZero();
        assertThat(port.log()).isEmpty();
    }

    @Test
    @DisplayName("does one descriptor per later bus transaction, then raises DONE, which a read clears")
    void oneStepPerTransaction() {
        driver.start();
        memory[0x800] = 1;
        memory[0x801] = 2;
        driver.submit(List.of(new Descriptor(IOVA + 0x800, IOVA + 0x900, 1, Descriptor.OWNED_BY_DEVICE),
                new Descriptor(IOVA + 0x801, IOVA + 0x901, 1, Descriptor.OWNED_BY_DEVICE)));
        assertThat(bar.read32(ToyNicRegisters.STATUS)).isZero();
        assertThat(bar.read32(ToyNicRegisters.STATUS)).isEqualTo(ToyNicRegisters.STATUS_DONE);
        assertThat(bar.read32(ToyNicRegisters.STATUS)).as("read-to-clear").isZero();
        assertThat(memory[0x900]).isEqualTo((byte) 1);
        assertThat(memory[0x901]).isEqualTo((byte) 2);
        assertThat(driver.ring().get(0).flags()).isEqualTo(Descriptor.DONE);
        assertThat(driver.ring().get(1).flags()).isEqualTo(Descriptor.DONE);
        assertThat(bar.read32(ToyNicRegisters.COMPLETED)).isEqualTo(2);
    }

    @Test
    @DisplayName("refuses a descriptor the driver did not hand over, and reports its address")
    void refusesUnowned() {
        driver.start();
        driver.submit(List.of(new Descriptor(IOVA, IOVA + 0x900, 1, 0)));
        Completion c = driver.waitForCompletion(4);
        assertThat(c.failed()).isTrue();
        assertThat(c.faultAddress()).isEqualTo(IOVA);
        assertThat(engine.lastFault()).hasMessageContaining("not owned by the device");
    }

    @Test
    @DisplayName("refuses a doorbell before the ring is set up")
    void refusesDoorbellWithoutRing() {
        bar.write32(ToyNicRegisters.DOORBELL, 1);
        assertThat(bar.read32(ToyNicRegisters.STATUS)).isEqualTo(ToyNicRegisters.STATUS_ERROR);
        assertThat(engine.lastFault()).hasMessageContaining("ring of 0 descriptors");
        assertThat(port.log()).isEmpty();
    }

    @Test
    @DisplayName("keeps the doorbell write-only and the ID read-only, as the register map says")
    void registerBehaviour() {
        bar.write32(ToyNicRegisters.ID, 0);
        assertThat(bar.read32(ToyNicRegisters.ID)).isEqualTo(ToyNicRegisters.ID_VALUE);
        driver.start();
        bar.write32(ToyNicRegisters.DOORBELL, 0);
        assertThat(bar.read32(ToyNicRegisters.DOORBELL)).isZero();
        assertThat(engine.registers().peekValue(ToyNicRegisters.DOORBELL, Width.INT)).isZero();
    }
}
