package dev.iomem.core.access;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * When {@link RuleDrivenAccessor} hands copies and fills to a {@link MappedBus}'s
 * {@link NativeCopyRoutines}: with a recording stand-in that moves nothing, so any byte that
 * changes was moved by the Java loops instead.
 */
@DisplayName("RuleDrivenAccessor with native copy routines")
class NativeCopyDispatchTest {

    /** Records calls; moves nothing. */
    static final class RecordingRoutines implements NativeCopyRoutines {
        final List<String> calls = new ArrayList<>();
        final AccessRules issued;

        RecordingRoutines(AccessRules issued) {
            this.issued = issued;
        }

        @Override
        public boolean issuesPlanOf(AccessRules rules) {
            return rules.equals(issued);
        }

        @Override
        public void copyToIo(MemorySegment io, long ioOffset, MemorySegment src, long n) {
            calls.add("to " + (io.address() + ioOffset) + " of " + io.byteSize() + " from " + src.address() + " n " + n);
        }

        @Override
        public void copyFromIo(MemorySegment io, long ioOffset, MemorySegment dst, long n) {
            calls.add("from " + (io.address() + ioOffset) + " of " + io.byteSize() + " to " + dst.address() + " n " + n);
        }

        @Override
        public void fillIo(MemorySegment io, long ioOffset, byte value, long n) {
            calls.add("fill " + (io.address() + ioOffset) + " of " + io.byteSize() + " with " + value + " n " + n);
        }
    }

    private static final AccessRules X86 = CopyPlannerTest.X86;

    private static IoAccessor over(MemorySegment window, boolean readOnly, NativeCopyRoutines routines) {
        return RuleDrivenAccessor.over(new MappedBus(new MappedRegion(window, MemoryType.DEVICE, "t", readOnly), routines),
                X86, Barriers.none());
    }

    @Test
    @DisplayName("copies and fills of a validated range go to the routines with the accessor's window (a slice's own), the offset and the RAM segment")
    void dispatches() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment window = a.allocate(4096, 4096);
            MemorySegment ram = a.allocate(100, 8);
            RecordingRoutines r = new RecordingRoutines(X86);
            IoAccessor io = over(window, false, r);
            io.copyToIo(ram, 3);
            io.copyFromIo(5, ram);
            io.fillIo(7, 9, (byte) 0x5a);
            io.slice(1024, 1024).copyToIo(ram.asSlice(1, 10), 1);
            long w = window.address();
            assertThat(r.calls).containsExactly(
                    "to " + (w + 3) + " of 4096 from " + ram.address() + " n 100",
                    "from " + (w + 5) + " of 4096 to " + ram.address() + " n 100",
                    "fill " + (w + 7) + " of 4096 with 90 n 9",
                    // a slice's routines get only the slice's window
                    "to " + (w + 1025) + " of 1024 from " + (ram.address() + 1) + " n 10");
            assertThat(window.mismatch(a.allocate(4096))).as("the Java loops did not run").isEqualTo(-1);
        }
    }

    @Test
    @DisplayName("nothing reaches the routines for a bad range, a closed accessor or a slice of a closed root, a read-only window or destination, or zero bytes")
    void validatesFirst() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment window = a.allocate(4096, 4096);
            MemorySegment ram = a.allocate(100, 8);
            RecordingRoutines r = new RecordingRoutines(X86);
            IoAccessor io = over(window, false, r);
            assertThatThrownBy(() -> io.copyToIo(ram, 4000)).isInstanceOf(OutOfBoundsAccessException.class);
            assertThatThrownBy(() -> io.copyFromIo(-1, ram)).isInstanceOf(OutOfBoundsAccessException.class);
            assertThatThrownBy(() -> io.fillIo(4090, 7, (byte) 1)).isInstanceOf(OutOfBoundsAccessException.class);
            assertThatThrownBy(() -> io.copyFromIo(0, ram.asReadOnly())).isInstanceOf(IllegalArgumentException.class);
            io.copyToIo(ram.asSlice(0, 0), 0);
            io.fillIo(0, 0, (byte) 1);
            IoAccessor ro = over(window, true, r);
            assertThatThrownBy(() -> ro.copyToIo(ram, 0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
            assertThatThrownBy(() -> ro.fillIo(0, 1, (byte) 1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
            IoAccessor slice = io.slice(64, 128);
            io.close();
            assertThatThrownBy(() -> io.copyToIo(ram, 0)).isInstanceOf(AccessorClosedException.class);
            assertThatThrownBy(() -> io.copyFromIo(0, ram)).isInstanceOf(AccessorClosedException.class);
            assertThatThrownBy(() -> io.fillIo(0, 4, (byte) 1)).isInstanceOf(AccessorClosedException.class);
            // the root's close reaches a slice made before it
            assertThatThrownBy(() -> slice.copyToIo(ram, 0)).isInstanceOf(AccessorClosedException.class);
            assertThatThrownBy(() -> slice.copyFromIo(0, ram)).isInstanceOf(AccessorClosedException.class);
            assertThatThrownBy(() -> slice.fillIo(0, 4, (byte) 1)).isInstanceOf(AccessorClosedException.class);
            assertThat(r.calls).isEmpty();
            ro.copyFromIo(0, ram);
            assertThat(r.calls).as("reading a read-only window is allowed").hasSize(1);
        }
    }

    @Test
    @DisplayName("the Java loops run instead for rules the routines do not issue, a mapping not 4-aligned, or no routines")
    void fallsBack() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment page = a.allocate(8192, 4096);
            MemorySegment ram = a.allocate(16, 8);
            ram.fill((byte) 7);
            RecordingRoutines other = new RecordingRoutines(CopyPlannerTest.ARM64);
            IoAccessor notIssued = over(page.asSlice(0, 4096), false, other);
            notIssued.copyToIo(ram, 0);
            assertThat(page.get(ValueLayout.JAVA_BYTE, 15)).isEqualTo((byte) 7);

            RecordingRoutines x86 = new RecordingRoutines(X86);
            IoAccessor misaligned = over(page.asSlice(4096 + 2, 1024), false, x86);
            misaligned.fillIo(0, 3, (byte) 9);
            assertThat(page.get(ValueLayout.JAVA_BYTE, 4096 + 4)).isEqualTo((byte) 9);

            IoAccessor none = over(page.asSlice(0, 4096), false, null);
            none.fillIo(100, 4, (byte) 3);
            assertThat(page.get(ValueLayout.JAVA_BYTE, 103)).isEqualTo((byte) 3);
            assertThat(other.calls).isEmpty();
            assertThat(x86.calls).isEmpty();

            // The same window through routines that issue the plan: now they are used.
            over(page.asSlice(0, 4096), false, x86).fillIo(100, 4, (byte) 3);
            assertThat(x86.calls).hasSize(1);
        }
    }
}
