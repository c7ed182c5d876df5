package dev.iomem.arch.x86;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The routines executed on this machine, on RAM with guard bytes around the window: the bytes
 * they move, and FFM's refusals before the call. (Which accesses they issue is
 * {@link X86CopyRoutinesInterpretedTest}'s subject: RAM cannot show access widths.)
 */
@DisplayName("The x86-64 copy routines, run natively here")
class X86CopyRoutinesNativeTest {

    private static final int GUARD = 64;
    private static final int MAX = 300;
    private static final byte GUARD_BYTE = (byte) 0xA5;
    private static final X86CopyRoutines R = X86CopyRoutines.INSTANCE;

    @BeforeAll
    static void linked() {
        assertThat(X86CopyRoutines.unavailabilityCause()).as("the routines link on this x86-64 machine").isNull();
        assertThat(X86CopyRoutines.isAvailable()).isTrue();
    }

    private static byte pattern(int i) {
        return (byte) (i * 37 + 11);
    }

    @Test
    @DisplayName("copy to io writes exactly the window, for every device offset mod 16 and length 0..300")
    void copyTo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment io = a.allocate(GUARD + 16 + MAX + GUARD, 4096);
            MemorySegment src = a.allocate(MAX + 8, 8);
            for (int i = 0; i < src.byteSize(); i++) src.set(ValueLayout.JAVA_BYTE, i, pattern(i));
            for (int off = 0; off < 16; off++) {
                for (int n = 0; n <= MAX; n++) {
                    io.fill(GUARD_BYTE);
                    int ramOff = (off * 5 + n) & 7; // the RAM side at every alignment too
                    R.copyToIo(io, GUARD + off, src.asSlice(ramOff, n), n);
                    for (int i = 0; i < io.byteSize(); i++) {
                        int rel = i - GUARD - off;
                        byte want = rel >= 0 && rel < n ? pattern(ramOff + rel) : GUARD_BYTE;
                        if (io.get(ValueLayout.JAVA_BYTE, i) != want) {
                            throw new AssertionError("off " + off + " n " + n + ": byte " + i + " is "
                                    + io.get(ValueLayout.JAVA_BYTE, i) + ", not " + want);
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("copy from io reads exactly the window into exactly the destination, for every offset mod 16 and length 0..300")
    void copyFrom() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment io = a.allocate(GUARD + 16 + MAX + GUARD, 4096);
            for (int i = 0; i < io.byteSize(); i++) io.set(ValueLayout.JAVA_BYTE, i, pattern(i));
            MemorySegment dst = a.allocate(GUARD + 8 + MAX + GUARD, 8);
            for (int off = 0; off < 16; off++) {
                for (int n = 0; n <= MAX; n++) {
                    dst.fill(GUARD_BYTE);
                    int ramOff = (off * 3 + n) & 7;
                    R.copyFromIo(io, GUARD + off, dst.asSlice(GUARD + ramOff, n), n);
                    for (int i = 0; i < dst.byteSize(); i++) {
                        int rel = i - GUARD - ramOff;
                        byte want = rel >= 0 && rel < n ? pattern(GUARD + off + rel) : GUARD_BYTE;
                        if (dst.get(ValueLayout.JAVA_BYTE, i) != want) {
                            throw new AssertionError("off " + off + " n " + n + ": dst byte " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("fill writes the byte to exactly the window, for every offset mod 16 and length 0..300")
    void fill() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment io = a.allocate(GUARD + 16 + MAX + GUARD, 4096);
            for (int off = 0; off < 16; off++) {
                for (int n = 0; n <= MAX; n++) {
                    io.fill(GUARD_BYTE);
                    byte value = (byte) (0x80 | n); // negative: the sign must not spread
                    R.fillIo(io, GUARD + off, value, n);
                    for (int i = 0; i < io.byteSize(); i++) {
                        int rel = i - GUARD - off;
                        byte want = rel >= 0 && rel < n ? value : GUARD_BYTE;
                        if (io.get(ValueLayout.JAVA_BYTE, i) != want) {
                            throw new AssertionError("off " + off + " n " + n + ": byte " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("heap (byte[]) segments work on the RAM side, both ways, at an offset into the array, a read-only one as source")
    void heap() {
        byte[] src = new byte[260];
        for (int i = 0; i < src.length; i++) src[i] = pattern(i);
        byte[] back = new byte[260];
        try (Arena a = Arena.ofConfined()) {
            MemorySegment io = a.allocate(4096, 4096);
            R.copyToIo(io, 3, MemorySegment.ofArray(src).asSlice(1, 257).asReadOnly(), 257); // a read-only source is fine
            R.copyFromIo(io, 3, MemorySegment.ofArray(back).asSlice(2, 257), 257);
            assertThat(io.get(ValueLayout.JAVA_BYTE, 2)).isZero();
            assertThat(io.get(ValueLayout.JAVA_BYTE, 3 + 257)).isZero();
        }
        for (int i = 0; i < 257; i++) {
            assertThat(back[2 + i]).isEqualTo(src[1 + i]);
        }
        assertThat(back[0]).isZero();
        assertThat(back[1]).isZero();
        assertThat(back[259]).isZero();
    }

    @Test
    @DisplayName("a closed RAM arena, a RAM segment confined to another thread and a closed io arena throw before any device byte changes")
    void refusals() throws InterruptedException, ExecutionException {
        try (Arena a = Arena.ofShared()) {
            MemorySegment io = a.allocate(4096, 4096);
            io.fill(GUARD_BYTE);
            byte[] before = io.toArray(ValueLayout.JAVA_BYTE);

            Arena closed = Arena.ofConfined();
            MemorySegment gone = closed.allocate(64);
            closed.close();
            assertThatThrownBy(() -> R.copyToIo(io, 1, gone, 64)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> R.copyFromIo(io, 1, gone, 64)).isInstanceOf(IllegalStateException.class);

            try (Arena other = Arena.ofConfined()) {
                MemorySegment foreign = other.allocate(64);
                Throwable to = CompletableFuture.supplyAsync(() -> attempt(() -> R.copyToIo(io, 1, foreign, 64))).get();
                Throwable from = CompletableFuture.supplyAsync(() -> attempt(() -> R.copyFromIo(io, 1, foreign, 64))).get();
                assertThat(to).isInstanceOf(WrongThreadException.class);
                assertThat(from).isInstanceOf(WrongThreadException.class);
            }
            assertThat(io.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(before);
        }

        Arena ioArena = Arena.ofShared();
        MemorySegment io = ioArena.allocate(4096, 4096);
        ioArena.close();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment src = a.allocate(64);
            assertThatThrownBy(() -> R.copyToIo(io, 0, src, 64)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> R.copyFromIo(io, 0, src, 64)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> R.fillIo(io, 0, (byte) 1, 64)).isInstanceOf(IllegalStateException.class);
        }
    }

    private static Throwable attempt(Runnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
