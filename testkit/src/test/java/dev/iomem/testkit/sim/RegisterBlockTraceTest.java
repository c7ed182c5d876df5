package dev.iomem.testkit.sim;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.regs.RegisterAccessException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.core.regs.RegisterBlock;
import dev.iomem.core.regs.layouts.EduLayout;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("register blocks on the simulated bus, as its trace shows them")
class RegisterBlockTraceTest {

    private static final AccessRules ARM64 = AccessRules.builder("arm64-like", MemoryType.DEVICE).naturalAlignment(true).build();

    private final AccessTrace trace = new AccessTrace();
    private final SimulatedBus bus = new SimulatedBus(ARM64, 4096, trace);
    private final IoAccessor io = RuleDrivenAccessor.over(bus, ARM64, new RecordingBarriers(trace));

    @Test
    @DisplayName("an update of edu's STATUS.IRQ_ON_FACTORIAL is exactly one 32-bit load and one 32-bit store, ordered")
    void updateIsOneLoadOneStore() {
        bus.pokeValue(0x20, Width.INT, 0x1);
        RegisterBlock edu = RegisterBlock.bind(EduLayout.LAYOUT, io);
        edu.register("STATUS").field("IRQ_ON_FACTORIAL").update(1);
        assertThat(trace.entries()).containsExactly(
                TraceEntry.barrier(AccessKind.BARRIER_BEFORE_READ),
                TraceEntry.scalar(AccessKind.LOAD, 0x20, 4, 0x1),
                TraceEntry.barrier(AccessKind.BARRIER_AFTER_READ, 0x1),
                TraceEntry.barrier(AccessKind.BARRIER_BEFORE_WRITE),
                TraceEntry.scalar(AccessKind.STORE, 0x20, 4, 0x81),
                TraceEntry.barrier(AccessKind.BARRIER_AFTER_WRITE));
    }

    @Test
    @DisplayName("describe() never touches a write-only or read-to-clear register, and a read-to-clear register keeps its value")
    void describeHasNoSideEffects() {
        RegisterLayout layout = RegisterLayout.builder("rc")
                .register("ID", 0x0, 32, dev.iomem.api.regs.AccessKind.READ_ONLY)
                .register("EVENTS", 0x4, 32, dev.iomem.api.regs.AccessKind.READ_TO_CLEAR, f -> f.flag("DONE", 0))
                .register("KICK", 0x8, 32, dev.iomem.api.regs.AccessKind.WRITE_ONLY)
                .build();
        bus.register(0x4, Width.INT, RegisterBehavior.READ_TO_CLEAR).register(0x8, Width.INT, RegisterBehavior.WRITE_ONLY);
        bus.pokeValue(0x4, Width.INT, 1);
        RegisterBlock block = RegisterBlock.bind(layout, io);
        String text = block.describe();
        assertThat(text).contains("EVENTS  32  RC   (read-to-clear, not read)").contains("KICK    32  WO   (write-only, not read)");
        assertThat(trace.transactions()).containsExactly(TraceEntry.scalar(AccessKind.LOAD, 0x0, 4, 0));
        assertThatThrownBy(() -> block.register("EVENTS").field("DONE").update(0)).isInstanceOf(RegisterAccessException.class);
        assertThatThrownBy(() -> block.register("KICK").read()).isInstanceOf(RegisterAccessException.class);
        assertThat(trace.transactions()).hasSize(1);
        assertThat(bus.peekValue(0x4, Width.INT)).isEqualTo(1);
        assertThat(block.register("EVENTS").read()).isEqualTo(1);
        assertThat(bus.peekValue(0x4, Width.INT)).isZero();
        assertThat(bus.faults()).isEmpty();
    }
}
