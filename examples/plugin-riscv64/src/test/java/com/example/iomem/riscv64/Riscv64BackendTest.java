package com.example.iomem.riscv64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.EnumSet;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

@DisplayName("The riscv64 backend's rules, barriers and probe")
class Riscv64BackendTest {

    @SuppressWarnings("unchecked")
    private static Supplier<ExecutableStubs> supplierOf(ExecutableStubs stubs) {
        Supplier<ExecutableStubs> s = mock(Supplier.class);
        when(s.get()).thenReturn(stubs);
        return s;
    }

    private static ExecutableStubs workingStubs() {
        ExecutableStubs stubs = mock(ExecutableStubs.class);
        MemorySegment page = Arena.ofAuto().allocate(4096, 4096);
        when(stubs.mapWritable(anyLong())).thenReturn(page);
        when(stubs.link(any())).thenReturn(MethodHandles.empty(MethodType.methodType(void.class)));
        return stubs;
    }

    @Test
    @DisplayName("the rules are mmio.h's and iomem_copy.c's: 1/2/4/8 naturally aligned, byte edges around an 8-byte body")
    void rules() {
        for (MemoryType t : MemoryType.values()) {
            AccessRules r = new Riscv64Backend().rules(t);
            assertThat(r.name()).isEqualTo("riscv64");
            assertThat(r.memoryType()).isEqualTo(t);
            assertThat(r.scalarWidths()).isEqualTo(EnumSet.allOf(Width.class));
            assertThat(r.naturalAlignment()).isTrue();
            assertThat(r.copyAlgorithm()).isEqualTo(dev.iomem.api.CopyAlgorithm.GENERIC);
            assertThat(r.maxCopyWidth()).isEqualTo(Width.LONG);
            assertThat(r.blockStore()).isEmpty();
            assertThat(r.boundary()).isZero();
        }
    }

    @Test
    @DisplayName("on a CPU that is not riscv64 the stub factory is never touched and the barriers are the JVM's fences")
    void notRiscv64() {
        Supplier<ExecutableStubs> factory = supplierOf(mock(ExecutableStubs.class));
        Riscv64Backend backend = new Riscv64Backend("amd64", factory);
        assertThat(backend.probe()).isEqualTo(Availability.unavailable("os.arch is amd64, not riscv64"));
        Barriers barriers = backend.nativeBarriers();
        barriers.beforeWrite();
        barriers.afterRead(0);
        barriers.flushWrites();
        assertThat(barriers).isSameAs(JvmFenceBarriers.INSTANCE);
        assertThat(backend.nativeOrdering()).isFalse();
        verifyNoInteractions(factory);
    }

    @Test
    @DisplayName("on riscv64 with working stubs the probe names the native fences and they are made once")
    void riscv64Native() {
        ExecutableStubs stubs = workingStubs();
        Supplier<ExecutableStubs> factory = supplierOf(stubs);
        Riscv64Backend backend = new Riscv64Backend("riscv64", factory);
        Availability a = backend.probe();
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("fence i,ir / fence w,o / fence ow,ow from native stubs").doesNotContain("DEGRADED");
        assertThat(backend.nativeBarriers()).isInstanceOf(Riscv64Barriers.class);
        assertThat(backend.nativeBarriers()).isSameAs(backend.nativeBarriers());
        assertThat(backend.nativeOrdering()).isTrue();
        verify(factory, times(1)).get();
        verify(stubs, times(1)).mapWritable(anyLong());
        verify(stubs, times(1)).synchronizeInstructionCache(any());
    }

    @Test
    @DisplayName("on riscv64 under W^X the probe is still available but says ordering is degraded and why")
    void riscv64WxDegraded() {
        ExecutableStubs stubs = workingStubs();
        doThrow(new IllegalStateException("mprotect(PROT_READ|PROT_EXEC) was refused: errno EACCES (13)"))
                .when(stubs).makeExecutable(any());
        Riscv64Backend backend = new Riscv64Backend("riscv64", supplierOf(stubs));
        Availability a = backend.probe();
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("ORDERING DEGRADED", "EACCES", "JVM's fences");
        assertThat(backend.nativeBarriers()).isSameAs(JvmFenceBarriers.INSTANCE);
        assertThat(backend.nativeOrdering()).isFalse();
        verify(stubs).unmap(any());
    }

    @Test
    @DisplayName("openBus refuses off riscv64 with the probe's reason, and a null region")
    void openBusRefusals() {
        Riscv64Backend backend = new Riscv64Backend("amd64", supplierOf(mock(ExecutableStubs.class)));
        MappedRegion region = new MappedRegion(Arena.ofAuto().allocate(4096, 4096), MemoryType.DEVICE, "test window", false);
        assertThatThrownBy(() -> backend.openBus(region)).isInstanceOf(IllegalStateException.class)
                .hasMessage("riscv64 backend cannot open test window: os.arch is amd64, not riscv64");
        assertThatThrownBy(() -> backend.openBus(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("the discovered backend on this machine answers for the real os.arch and never makes stubs off riscv64")
    void realBackend() {
        Riscv64Backend backend = new Riscv64Backend();
        if (!System.getProperty("os.arch").equals("riscv64")) {
            assertThat(backend.probe().available()).isFalse();
            assertThat(backend.probe().reason()).endsWith(", not riscv64");
            assertThat(backend.nativeOrdering()).isFalse();
            assertThat(backend.nativeBarriers()).isSameAs(JvmFenceBarriers.INSTANCE);
        }
    }
}
