package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;

import dev.iomem.api.dma.DmaMappingException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@DisplayName("DMA buffers (real mmap with MAP_POPULATE | MAP_LOCKED)")
class DmaBuffersTest {

    private static final long MIB = 1 << 20;

    @Test
    @DisplayName("memory is page aligned, usable, locked while its arena is open and unmapped when it closes")
    void lockedWhileOpen() {
        long before = ProcSelfStatus.lockedBytes();
        int holds = LockedRanges.liveHolds();
        try (Arena arena = Arena.ofConfined()) {
            DmaBuffer b = DmaBuffers.allocate(arena, 3 * MIB + 100, HugePagePolicy.NEVER);
            assertThat(b.memory().byteSize()).isEqualTo(3 * MIB + 100);
            assertThat(b.memory().address() % Libc.pageSize()).isZero();
            assertThat(b.pageSize()).isEqualTo(Libc.pageSize());
            assertThat(b.hugePages()).isFalse();
            assertThat(b.pages()).isEqualTo((3 * MIB + 100 + 4095) / 4096);
            b.memory().set(ValueLayout.JAVA_LONG, 3 * MIB, 0x1234_5678_9abc_def0L);
            assertThat(b.memory().get(ValueLayout.JAVA_LONG, 3 * MIB)).isEqualTo(0x1234_5678_9abc_def0L);
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(3 * MIB + 4096);
            assertThat(LockedRanges.liveHolds()).isEqualTo(holds + 1);
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
        assertThat(LockedRanges.liveHolds()).isEqualTo(holds);
    }

    @Test
    @DisplayName("PREFER uses hugepages when the pool has them and falls back to base pages when it has not")
    void preferFallsBack() {
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            DmaBuffer b = DmaBuffers.allocate(arena, 4 * MIB);
            long free = DmaBuffers.freeHugePages();
            if (free < 2) {
                assertThat(b.hugePages()).isFalse();
            }
            assertThat(b.memory().address() % b.pageSize()).isZero();
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("REQUIRE with a short hugepage pool fails with what to change, leaving nothing mapped or locked")
    void requireWithoutPool() {
        long free = DmaBuffers.freeHugePages();
        assumeTrue(free >= 0 && free < 1024, "this machine has a big hugepage pool");
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> DmaBuffers.allocate(arena, (free + 1) * DmaBuffers.HUGE_PAGE_SIZE, HugePagePolicy.REQUIRE))
                    .isInstanceOf(DmaMappingException.class)
                    .hasMessageContaining("2 MiB hugepages")
                    .hasMessageContaining("vm.nr_hugepages")
                    .hasMessageContaining("free_hugepages says " + free)
                    .hasMessageNotContaining("\n");
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("bad sizes, a closed arena and null arguments are refused before anything is mapped")
    void badInput() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> DmaBuffers.allocate(arena, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
            assertThatThrownBy(() -> DmaBuffers.allocate(arena, -1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> DmaBuffers.allocate(arena, Long.MAX_VALUE, HugePagePolicy.NEVER)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("too large");
            assertThatThrownBy(() -> DmaBuffers.allocate(arena, 4096, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> DmaBuffers.allocate(null, 4096)).isInstanceOf(NullPointerException.class);
        }
        Arena closed = Arena.ofConfined();
        closed.close();
        long before = ProcSelfStatus.lockedBytes();
        assertThatThrownBy(() -> DmaBuffers.allocate(closed, 4096)).isInstanceOf(IllegalStateException.class);
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("more memory than the machine has fails with one clear line and nothing locked")
    void outOfMemory() throws java.io.IOException {
        // Only where the kernel refuses an obvious overcommit at mmap time (modes 0 and 2):
        // with mode 1 MAP_POPULATE would try to fault the memory in.
        String mode = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/vm/overcommit_memory")).strip();
        assumeTrue(!mode.equals("1"), "vm.overcommit_memory is 1");
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> DmaBuffers.allocate(arena, 1L << 50, HugePagePolicy.NEVER))
                    .isInstanceOf(DmaMappingException.class)
                    .hasMessageContaining("1048576 GiB")
                    .hasMessageNotContaining("\n");
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
    }
}
