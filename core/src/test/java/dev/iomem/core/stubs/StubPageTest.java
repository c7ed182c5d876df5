package dev.iomem.core.stubs;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

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

    private static void nop() {
    }
}
