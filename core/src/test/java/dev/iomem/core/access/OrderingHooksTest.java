package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.RelaxedOrdering;
import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The accessor calls the four asm-generic hooks, the relaxed policy and the copy fences the rules declare")
class OrderingHooksTest {

    static final AccessRules POWERPC = AccessRules.builder("ppc64le", MemoryType.DEVICE)
            .copy(CopyAlgorithm.POWERPC).relaxedOrdering(RelaxedOrdering.ORDERED).build();
    static final AccessRules GENERIC = AccessRules.builder("generic", MemoryType.DEVICE).build();

    /** Records every hook into the bus's log, with the value afterRead receives. */
    private static Barriers hooks(RecordingBus bus) {
        return new Barriers() {
            @Override public void beforeRead() { bus.log.add("br"); }
            @Override public void afterRead(long value) { bus.log.add("ar " + Long.toHexString(value)); }
            @Override public void beforeWrite() { bus.log.add("bw"); }
            @Override public void afterWrite() { bus.log.add("aw"); }
            @Override public void flushWrites() { bus.log.add("flush"); }
            @Override public void beforeCopy() { bus.log.add("sync"); }
            @Override public void afterCopy() { bus.log.add("sync"); }
            @Override public void afterCopyLoad() { bus.log.add("eieio"); }
        };
    }

    @Test
    @DisplayName("an ordered read is br, load, ar(value); an ordered write bw, store, aw; for every width")
    void orderedHooks() {
        RecordingBus bus = new RecordingBus(64, 0);
        bus.memory[8] = (byte) 0xfe;
        bus.memory[9] = (byte) 0xff;
        try (IoAccessor a = RuleDrivenAccessor.over(bus, GENERIC, hooks(bus))) {
            a.read16(8);
            a.write32(16, 1);
            a.read(8, Width.BYTE);
            a.write(24, Width.LONG, 2);
            assertThat(bus.log).containsExactly("br", "load 8 2", "ar fffe", "bw", "store 16 4", "aw",
                    "br", "load 8 1", "ar fe", "bw", "store 24 8", "aw");
        }
    }

    @Test
    @DisplayName("relaxed accesses call no hook where they are UNORDERED, and every hook where the rules say ORDERED (powerpc)")
    void relaxedPolicy() {
        RecordingBus bus = new RecordingBus(64, 0);
        try (IoAccessor a = RuleDrivenAccessor.over(bus, GENERIC, hooks(bus))) {
            a.read32Relaxed(0);
            a.write8Relaxed(1, (byte) 1);
            assertThat(bus.log).containsExactly("load 0 4", "store 1 1");
        }
        bus.log.clear();
        try (IoAccessor a = RuleDrivenAccessor.over(bus, POWERPC, hooks(bus))) {
            a.read32Relaxed(0);
            a.write8Relaxed(1, (byte) 1);
            assertThat(bus.log).containsExactly("br", "load 0 4", "ar 100", "bw", "store 1 1", "aw");
        }
    }

    @Test
    @DisplayName("a refused access runs no hook at all")
    void refusedRunsNoHook() {
        RecordingBus bus = new RecordingBus(64, 0);
        try (IoAccessor a = RuleDrivenAccessor.over(bus, POWERPC, hooks(bus))) {
            assertThatThrownBy(() -> a.read32(64)).isInstanceOf(OutOfBoundsAccessException.class);
            assertThatThrownBy(() -> a.write32Relaxed(62, 0)).isInstanceOf(OutOfBoundsAccessException.class);
            assertThatThrownBy(() -> a.copyFromIo(60, MemorySegment.ofArray(new byte[8]))).isInstanceOf(OutOfBoundsAccessException.class);
            assertThat(bus.log).isEmpty();
        }
    }

    @Test
    @DisplayName("a powerpc copy is sync, the planned accesses (an eieio after each load), sync; RAM alignment picks the plan")
    void powerpcCopies() {
        RecordingBus bus = new RecordingBus(64, 0);
        try (IoAccessor a = RuleDrivenAccessor.over(bus, POWERPC, hooks(bus)); Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(16, 8);
            a.copyFromIo(4, ram.asSlice(0, 9));
            List<String> expected = new ArrayList<>(List.of("sync", "load 4 4", "eieio", "load 8 4", "eieio", "load 12 1", "eieio", "sync"));
            assertThat(bus.log).containsExactlyElementsOf(expected);
            bus.log.clear();
            a.copyToIo(ram.asSlice(1, 6), 4); // the RAM side never lines up with the device side: bytes
            assertThat(bus.log).containsExactly("sync", "store 4 1", "store 5 1", "store 6 1", "store 7 1", "store 8 1", "store 9 1", "sync");
            bus.log.clear();
            a.fillIo(3, 6, (byte) 7);
            assertThat(bus.log).containsExactly("sync", "store 3 1", "store 4 4", "store 8 1", "sync");
            bus.log.clear();
            a.copyToIo(ram.asSlice(0, 0), 4);
            assertThat(bus.log).as("an empty copy issues nothing").isEmpty();
        }
    }

    @Test
    @DisplayName("the relaxed read window of register handles is withheld where relaxed accesses are ordered")
    void noRelaxedWindowWhenOrdered() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            dev.iomem.spi.MappedRegion region = new dev.iomem.spi.MappedRegion(m, MemoryType.DEVICE, "test", false);
            RuleDrivenAccessor ordered = RuleDrivenAccessor.over(new MappedBus(region), POWERPC, Barriers.none());
            RuleDrivenAccessor unordered = RuleDrivenAccessor.over(new MappedBus(region), GENERIC, Barriers.none());
            assertThat(ordered.relaxedReadWindow()).isNull();
            assertThat(unordered.relaxedReadWindow()).isNotNull();
            ordered.close();
            unordered.close();
        }
    }
}
