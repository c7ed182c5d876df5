package dev.iomem.arch.arm64;

import dev.iomem.core.stubs.ExecutableStubs;
import dev.iomem.api.Availability;
import dev.iomem.spi.Barriers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

@DisplayName("The arm64 backend's barriers and probe")
class Arm64BackendTest {

    @SuppressWarnings("unchecked")
    private static Supplier<ExecutableStubs> supplierOf(ExecutableStubs stubs) {
        Supplier<ExecutableStubs> s = mock(Supplier.class);
        when(s.get()).thenReturn(stubs);
        return s;
    }

    private static ExecutableStubs workingStubs() throws ReflectiveOperationException {
        ExecutableStubs stubs = mock(ExecutableStubs.class);
        MemorySegment page = Arena.ofAuto().allocate(4096, 4096);
        when(stubs.mapWritable(anyLong())).thenReturn(page);
        var noop = MethodHandles.empty(MethodType.methodType(void.class));
        when(stubs.link(any())).thenReturn(noop);
        return stubs;
    }

    @Test
    @DisplayName("on a CPU that is not arm64 the stub factory is never touched and the barriers are the degraded fences")
    void notArm64() {
        Supplier<ExecutableStubs> factory = supplierOf(mock(ExecutableStubs.class));
        Arm64Backend backend = new Arm64Backend("amd64", factory);
        assertThat(backend.probe()).isEqualTo(Availability.unavailable("os.arch is amd64, not aarch64"));
        Barriers barriers = backend.nativeBarriers();
        barriers.beforeWrite();
        barriers.afterRead(0);
        barriers.flushWrites();
        assertThat(barriers).isSameAs(InnerShareableBarriers.INSTANCE);
        assertThat(backend.nativeOrdering()).isFalse();
        verifyNoInteractions(factory);
    }

    @Test
    @DisplayName("on arm64 with working stubs the probe names the native barriers and they are made once")
    void arm64Native() throws ReflectiveOperationException {
        ExecutableStubs stubs = workingStubs();
        Supplier<ExecutableStubs> factory = supplierOf(stubs);
        Arm64Backend backend = new Arm64Backend("aarch64", factory);
        Availability a = backend.probe();
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("dmb oshld / dmb oshst / dsb st from native stubs").doesNotContain("DEGRADED");
        assertThat(a.degraded()).isFalse();
        assertThat(backend.nativeBarriers()).isInstanceOf(Arm64Barriers.class);
        assertThat(backend.nativeBarriers()).isSameAs(backend.nativeBarriers());
        assertThat(backend.nativeOrdering()).isTrue();
        verify(factory, times(1)).get();
        verify(stubs, times(1)).mapWritable(anyLong());
    }

    @Test
    @DisplayName("on arm64 under W^X the probe is still available but says ordering is degraded and why")
    void arm64WxDegraded() throws ReflectiveOperationException {
        ExecutableStubs stubs = workingStubs();
        doThrow(new IllegalStateException("mprotect(PROT_READ|PROT_EXEC) was refused: errno EACCES (13)"))
                .when(stubs).makeExecutable(any());
        Arm64Backend backend = new Arm64Backend("aarch64", supplierOf(stubs));
        Availability a = backend.probe();
        assertThat(a.available()).isTrue();
        assertThat(a.reason()).contains("ORDERING DEGRADED", "EACCES", "dmb ish");
        assertThat(a.degraded()).as("the third state, not a string convention").isTrue();
        assertThat(a.degradation()).hasValueSatisfying(c -> assertThat(c).startsWith("ordering: ").contains("EACCES", "dmb ish"));
        assertThat(backend.nativeBarriers()).isSameAs(InnerShareableBarriers.INSTANCE);
        assertThat(backend.nativeOrdering()).isFalse();
        verify(stubs).unmap(any());
    }

    @Test
    @DisplayName("the discovered backend on this machine answers for the real os.arch and never makes stubs off arm64")
    void realBackend() {
        Arm64Backend backend = new Arm64Backend();
        String arch = System.getProperty("os.arch");
        if (!arch.equals("aarch64")) {
            assertThat(backend.probe().available()).isFalse();
            assertThat(backend.nativeOrdering()).isFalse();
            assertThat(backend.nativeBarriers()).isSameAs(InnerShareableBarriers.INSTANCE);
        }
    }
}
