package com.example.iomem.riscv64;

import dev.iomem.core.stubs.ExecutableStubs;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.InOrder;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The stub factory with its native pieces mocked: this machine never executes riscv64 code. */
@DisplayName("riscv64 fence stubs")
class Riscv64BarriersTest {

    private final Arena arena = Arena.ofAuto();
    private MemorySegment page;
    private ExecutableStubs stubs;
    private Runnable afterRead;
    private Runnable beforeWrite;
    private Runnable flush;

    /** A {@code ()void} handle that runs {@code r}: what a linked stub looks like to the barriers. */
    private static MethodHandle handleFor(Runnable r) throws ReflectiveOperationException {
        return MethodHandles.publicLookup().findVirtual(Runnable.class, "run", MethodType.methodType(void.class)).bindTo(r);
    }

    @BeforeEach
    void mockNativePieces() throws ReflectiveOperationException {
        page = arena.allocate(Riscv64Barriers.CODE_BYTES, 4096);
        stubs = mock(ExecutableStubs.class);
        afterRead = mock(Runnable.class);
        beforeWrite = mock(Runnable.class);
        flush = mock(Runnable.class);
        when(stubs.mapWritable(Riscv64Barriers.CODE_BYTES)).thenReturn(page);
        MethodHandle a = handleFor(afterRead);
        MethodHandle b = handleFor(beforeWrite);
        MethodHandle f = handleFor(flush);
        when(stubs.link(any())).thenAnswer(inv -> {
            long at = ((MemorySegment) inv.getArgument(0)).address() - page.address();
            return at == Riscv64Barriers.AFTER_READ_AT ? a : at == Riscv64Barriers.BEFORE_WRITE_AT ? b
                    : at == Riscv64Barriers.FLUSH_AT ? f : null;
        });
    }

    private int word(long at) {
        return page.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at);
    }

    @Test
    @DisplayName("writes fence i,ir; ret, fence w,o; ret and fence ow,ow; ret as little-endian words, and nothing else")
    void exactBytes() {
        Riscv64Barriers.create(stubs);
        byte[] expected = new byte[(int) Riscv64Barriers.CODE_BYTES];
        System.arraycopy(new byte[] {0x0F, 0x00, (byte) 0xA0, 0x08, 0x67, (byte) 0x80, 0x00, 0x00}, 0, expected, 0, 8);
        System.arraycopy(new byte[] {0x0F, 0x00, 0x40, 0x01, 0x67, (byte) 0x80, 0x00, 0x00}, 0, expected, 8, 8);
        System.arraycopy(new byte[] {0x0F, 0x00, 0x50, 0x05, 0x67, (byte) 0x80, 0x00, 0x00}, 0, expected, 16, 8);
        assertThat(page.toArray(ValueLayout.JAVA_BYTE)).isEqualTo(expected);
        assertThat(word(0)).isEqualTo(0x08A0000F);
        assertThat(word(20)).isEqualTo(0x00008067);
    }

    @Test
    @DisplayName("maps writable, makes the page read+execute, flushes the instruction cache, and only then links the three stubs")
    void order() {
        Riscv64Barriers.create(stubs);
        InOrder order = inOrder(stubs);
        order.verify(stubs).mapWritable(Riscv64Barriers.CODE_BYTES);
        order.verify(stubs).makeExecutable(page);
        order.verify(stubs).synchronizeInstructionCache(page);
        ArgumentCaptor<MemorySegment> entries = ArgumentCaptor.forClass(MemorySegment.class);
        order.verify(stubs, times(3)).link(entries.capture());
        assertThat(entries.getAllValues()).extracting(s -> s.address() - page.address()).containsExactly(0L, 8L, 16L);
        assertThat(entries.getAllValues()).extracting(MemorySegment::byteSize).containsOnly(8L);
        verify(stubs, never()).unmap(any());
    }

    @Test
    @DisplayName("each barrier call runs its own stub exactly once, and no other")
    void oneCallPerBarrier() {
        Riscv64Barriers barriers = Riscv64Barriers.create(stubs);
        barriers.afterRead(0);
        verify(afterRead, times(1)).run();
        verifyNoInteractions(beforeWrite, flush);
        barriers.beforeWrite();
        verify(beforeWrite, times(1)).run();
        verifyNoInteractions(flush);
        barriers.flushWrites();
        barriers.flushWrites();
        verify(flush, times(2)).run();
        verify(afterRead, times(1)).run();
        verify(beforeWrite, times(1)).run();
    }

    @Test
    @DisplayName("when W^X refuses read+execute, creation fails with the kernel's reason, unmaps the page and links nothing")
    void wxRefusal() {
        doThrow(new IllegalStateException("mprotect(PROT_READ|PROT_EXEC) was refused: errno EACCES (13)"))
                .when(stubs).makeExecutable(page);
        assertThatThrownBy(() -> Riscv64Barriers.create(stubs)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EACCES");
        verify(stubs).unmap(page);
        verify(stubs, never()).synchronizeInstructionCache(any());
        verify(stubs, never()).link(any());
    }

    @Test
    @DisplayName("when the instruction cache cannot be flushed, creation fails, unmaps the page and links nothing")
    void icacheRefusal() {
        doThrow(new IllegalStateException("riscv_flush_icache failed: errno ENOSYS (38)"))
                .when(stubs).synchronizeInstructionCache(page);
        assertThatThrownBy(() -> Riscv64Barriers.create(stubs)).hasMessageContaining("ENOSYS");
        verify(stubs).unmap(page);
        verify(stubs, never()).link(any());
    }

    @Test
    @DisplayName("a refused mapping fails creation before anything is written or linked")
    void mapRefusal() {
        when(stubs.mapWritable(Riscv64Barriers.CODE_BYTES)).thenThrow(new IllegalStateException("mmap of 4096 writable bytes failed: errno ENOMEM (12)"));
        assertThatThrownBy(() -> Riscv64Barriers.create(stubs)).hasMessageContaining("ENOMEM");
        verify(stubs, never()).makeExecutable(any());
        verify(stubs, never()).link(any());
    }
}
