package dev.iomem.core.stubs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import org.junit.jupiter.api.Assumptions;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@DisplayName("StubPage (mocked native pieces: no stub is ever executed here)")
class StubPageTest {

    @Test
    @DisplayName("writes the stubs back to back, makes the page executable, syncs the icache, then links each at its offset")
    void linksInOrder() throws ReflectiveOperationException {
        MemorySegment page = Arena.ofAuto().allocate(StubPage.BYTES, 4096);
        ExecutableStubs stubs = mock(ExecutableStubs.class);
        when(stubs.mapWritable(StubPage.BYTES)).thenReturn(page);
        MethodHandle nop = MethodHandles.lookup().findStatic(StubPageTest.class, "nop", MethodType.methodType(void.class));
        when(stubs.link(any())).thenReturn(nop);
        MethodHandle[] h = StubPage.link(stubs, new byte[] {1, 2, 3, 4}, new byte[] {5, 6}, new byte[] {7, 8, 9, 10, 11, 12, 13, 14});
        assertThat(h).hasSize(3).containsOnly(nop);
        assertThat(page.asSlice(0, 15).toArray(ValueLayout.JAVA_BYTE)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0);
        InOrder order = inOrder(stubs);
        order.verify(stubs).mapWritable(StubPage.BYTES);
        order.verify(stubs).makeExecutable(page);
        order.verify(stubs).synchronizeInstructionCache(page);
        order.verify(stubs).link(page.asSlice(0, 4));
        order.verify(stubs).link(page.asSlice(4, 2));
        order.verify(stubs).link(page.asSlice(6, 8));
        verify(stubs, never()).unmap(any());
        StubPage.run(h[0], "nop");
    }

    @Test
    @DisplayName("a refused step unmaps the page and links nothing; bad arguments map nothing")
    void failures() {
        MemorySegment page = Arena.ofAuto().allocate(StubPage.BYTES, 4096);
        ExecutableStubs stubs = mock(ExecutableStubs.class);
        when(stubs.mapWritable(StubPage.BYTES)).thenReturn(page);
        doThrow(new IllegalStateException("icache flush refused")).when(stubs).synchronizeInstructionCache(page);
        assertThatThrownBy(() -> StubPage.link(stubs, new byte[] {1})).hasMessage("icache flush refused");
        verify(stubs).unmap(page);
        verify(stubs, never()).link(any());

        ExecutableStubs untouched = mock(ExecutableStubs.class);
        assertThatThrownBy(() -> StubPage.link(untouched)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StubPage.link(untouched, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StubPage.link(untouched, new byte[4097])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not fit");
        verify(untouched, never()).mapWritable(org.mockito.ArgumentMatchers.anyLong());
    }

    @Test
    @DisplayName("routines go at cache-line offsets and are linked with their own descriptor and options")
    void linksRoutines() {
        MemorySegment page = Arena.ofAuto().allocate(StubPage.BYTES, 4096);
        ExecutableStubs stubs = mock(ExecutableStubs.class);
        when(stubs.mapWritable(StubPage.BYTES)).thenReturn(page);
        MethodHandle nop = MethodHandles.empty(MethodType.methodType(void.class, long.class));
        when(stubs.link(any(), any(), any(Linker.Option[].class))).thenReturn(nop);
        FunctionDescriptor fd = FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG);
        List<MethodHandle> h = StubPage.link(stubs, List.of(new StubRoutine(new byte[] {1, 2, 3}, fd, List.of()),
                new StubRoutine(new byte[70], fd, List.of(Linker.Option.critical(true))),
                new StubRoutine(new byte[] {9}, fd, List.of())));
        assertThat(h).hasSize(3).containsOnly(nop);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 2)).isEqualTo((byte) 3);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 3)).isZero();
        assertThat(page.get(ValueLayout.JAVA_BYTE, 192)).isEqualTo((byte) 9);
        InOrder order = inOrder(stubs);
        order.verify(stubs).makeExecutable(page);
        order.verify(stubs).link(page.asSlice(0, 3), fd);
        order.verify(stubs).link(page.asSlice(64, 70), fd, Linker.Option.critical(true));
        order.verify(stubs).link(page.asSlice(192, 1), fd);
        verify(stubs, never()).link(any());

        ExecutableStubs untouched = mock(ExecutableStubs.class);
        assertThatThrownBy(() -> StubPage.link(untouched, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StubPage.link(untouched, List.of(new StubRoutine(new byte[4000], fd, List.of()),
                new StubRoutine(new byte[100], fd, List.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("do not fit");
        assertThatThrownBy(() -> new StubRoutine(new byte[0], fd, List.of())).isInstanceOf(IllegalArgumentException.class);
        verify(untouched, never()).mapWritable(org.mockito.ArgumentMatchers.anyLong());
    }

    @Test
    @DisplayName("a real routine with arguments runs on x86-64: lea (%rdi,%rsi),%rax; ret adds two longs")
    void runsRoutineWithArguments() throws Throwable {
        Assumptions.assumeTrue(Set.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "x86-64 only");
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        List<MethodHandle> h = StubPage.link(new NativeExecutableStubs(), List.of(
                new StubRoutine(new byte[] {0x48, (byte) 0x8d, 0x04, 0x37, (byte) 0xc3}, fd, List.of(Linker.Option.critical(false)))));
        assertThat((long) h.get(0).invokeExact(40L, 2L)).isEqualTo(42L);
    }

    @Test
    @DisplayName("stubs that only link ()void refuse a descriptor by default")
    void defaultRefusesDescriptors() {
        ExecutableStubs voidOnly = new ExecutableStubs() {
            @Override public MemorySegment mapWritable(long bytes) { return MemorySegment.NULL; }
            @Override public void makeExecutable(MemorySegment code) { }
            @Override public void unmap(MemorySegment code) { }
            @Override public MethodHandle link(MemorySegment entry) { return null; }
        };
        assertThatThrownBy(() -> voidOnly.link(MemorySegment.NULL, FunctionDescriptor.ofVoid()))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static void nop() {
    }
}
