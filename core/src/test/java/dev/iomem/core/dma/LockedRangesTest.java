package dev.iomem.core.dma;

import dev.iomem.core.linux.Libc;
import dev.iomem.core.linux.ErrnoException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Locked ranges (mlock does not nest)")
class LockedRangesTest {

    private static final long PAGE = Libc.pageSize();

    @Test
    @DisplayName("releasing one of two overlapping holds keeps the other's pages locked; releasing both unlocks all")
    void overlapping() {
        long before = ProcSelfStatus.lockedBytes();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mem = arena.allocate(64 * PAGE, PAGE);
            long a = mem.address();
            LockedRanges.Hold first = LockedRanges.lock(a, 40 * PAGE);
            LockedRanges.Hold second = LockedRanges.lock(a + 20 * PAGE, 44 * PAGE);
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(64 * PAGE);
            first.release();
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(44 * PAGE);
            first.release(); // once only
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(44 * PAGE);
            LockedRanges.Hold inner = LockedRanges.lock(a + 30 * PAGE, 4 * PAGE); // covered: no mlock needed
            second.release();
            assertThat(ProcSelfStatus.lockedBytes() - before).isEqualTo(4 * PAGE);
            inner.release();
        }
        assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
    }

    @Test
    @DisplayName("an mlock that fails half way (a hole in the range) leaves nothing locked and throws the errno")
    void failedLock() {
        long before = ProcSelfStatus.lockedBytes();
        int holds = LockedRanges.liveHolds();
        long a = Libc.mmap(3 * PAGE, Libc.PROT_READ_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS);
        try {
            Libc.munmap(a + PAGE, PAGE); // the hole: mlock locks page 0, then fails with ENOMEM
            assertThatThrownBy(() -> LockedRanges.lock(a, 3 * PAGE))
                    .isInstanceOf(ErrnoException.class)
                    .satisfies(e -> assertThat(((ErrnoException) e).errno()).isEqualTo(ErrnoException.ENOMEM));
            assertThat(ProcSelfStatus.lockedBytes()).isEqualTo(before);
            assertThat(LockedRanges.liveHolds()).isEqualTo(holds);
        } finally {
            Libc.munmap(a, PAGE);
            Libc.munmap(a + 2 * PAGE, PAGE);
        }
    }
}
