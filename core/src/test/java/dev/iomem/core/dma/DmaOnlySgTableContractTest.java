package dev.iomem.core.dma;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.api.dma.DmaSegmentConsumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("A DMA-only SG table")
class DmaOnlySgTableContractTest {

    private static DmaOnlySgTable table(Runnable unmap) {
        return DmaTableBuilder.create(DmaAddressSpace.PHYSICAL, DmaConstraints.UNRESTRICTED, DmaDirection.TO_DEVICE, null, false)
                .add(0x10_0000, 4096).add(0x30_0000, 8192).build(unmap);
    }

    @Test
    @DisplayName("close runs the unmap exactly once, however often it is called")
    void closeOnce() {
        AtomicInteger unmaps = new AtomicInteger();
        DmaOnlySgTable t = table(unmaps::incrementAndGet);
        assertThat(t.isClosed()).isFalse();
        t.close();
        t.close();
        t.close();
        assertThat(unmaps).hasValue(1);
        assertThat(t.isClosed()).isTrue();
    }

    @Test
    @DisplayName("racing closers unmap once, and none returns before the unmap has finished")
    void racingClosers() throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicInteger unmaps = new AtomicInteger();
            AtomicBoolean finished = new AtomicBoolean();
            DmaOnlySgTable t = table(() -> {
                unmaps.incrementAndGet();
                Thread.onSpinWait();
                finished.set(true);
            });
            int threads = 8;
            CyclicBarrier start = new CyclicBarrier(threads);
            CountDownLatch done = new CountDownLatch(threads);
            AtomicInteger returnedEarly = new AtomicInteger();
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Thread th = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                        t.close();
                        if (!finished.get()) {
                            returnedEarly.incrementAndGet();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    } finally {
                        done.countDown();
                    }
                });
                all.add(th);
            }
            done.await();
            for (Thread th : all) {
                th.join();
            }
            assertThat(unmaps).hasValue(1);
            assertThat(returnedEarly).hasValue(0);
        }
    }

    @Test
    @DisplayName("if the unmap throws, the first closer sees it and the table is closed anyway")
    void unmapFailure() {
        AtomicInteger unmaps = new AtomicInteger();
        DmaOnlySgTable t = table(() -> {
            unmaps.incrementAndGet();
            throw new IllegalStateException("unmap failed");
        });
        assertThatThrownBy(t::close).hasMessage("unmap failed");
        t.close();
        assertThat(unmaps).hasValue(1);
        assertThat(t.isClosed()).isTrue();
    }

    @Test
    @DisplayName("every method but close and isClosed throws IllegalStateException after close")
    void useAfterClose() throws Exception {
        DmaOnlySgTable t = table(() -> { });
        t.close();
        int checked = 0;
        for (Method m : DmaOnlySgTable.class.getMethods()) {
            if (m.getName().equals("close") || m.getName().equals("isClosed") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                Class<?> p = m.getParameterTypes()[i];
                args[i] = p == int.class ? 0 : p == DmaSegmentConsumer.class ? (DmaSegmentConsumer) (x, a, l) -> { } : null;
            }
            try {
                m.invoke(t, args);
                throw new AssertionError(m.getName() + " did not throw after close");
            } catch (InvocationTargetException e) {
                assertThat(e.getCause()).as(m.getName()).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed");
            }
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(10);
        assertThat(t.toString()).contains("closed");
    }

    @Test
    @DisplayName("a consumer that closes the table gets no further segment")
    void closeDuringIteration() {
        DmaOnlySgTable t = table(() -> { });
        List<Long> seen = new ArrayList<>();
        assertThatThrownBy(() -> t.forEachSegment((i, a, l) -> {
            seen.add(a);
            t.close();
        })).isInstanceOf(IllegalStateException.class);
        assertThat(seen).containsExactly(0x10_0000L);
    }

    @Test
    @DisplayName("indexes are checked")
    void indexes() {
        DmaOnlySgTable t = table(() -> { });
        assertThat(t.dmaAddress(1)).isEqualTo(0x30_0000);
        assertThat(t.length(1)).isEqualTo(8192);
        assertThatThrownBy(() -> t.dmaAddress(2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.length(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> t.forEachSegment(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    @DisplayName("no public method of the interface or its implementation returns a CPU view, and no field is public")
    void noCpuView() {
        for (Class<?> c : List.of(DmaOnlySgTable.class, PackedDmaTable.class, DmaTableBuilder.class)) {
            for (Method m : c.getMethods()) {
                assertThat(cpuAddressable(m.getGenericReturnType()))
                        .as("%s.%s returns %s", c.getSimpleName(), m.getName(), m.getGenericReturnType()).isFalse();
                if (c != DmaTableBuilder.class) {
                    assertThat(m.getName().toLowerCase()).as("%s.%s", c.getSimpleName(), m.getName())
                            .doesNotContain("virtual").doesNotContain("cpu").doesNotContain("page").doesNotContain("buffer");
                }
            }
            for (Field f : c.getDeclaredFields()) {
                assertThat(Modifier.isPublic(f.getModifiers())).as("%s.%s is public", c.getSimpleName(), f.getName()).isFalse();
            }
        }
        // The storage really is packed: one long[] of pairs and no per-segment objects.
        List<Class<?>> arrays = new ArrayList<>();
        for (Field f : PackedDmaTable.class.getDeclaredFields()) {
            if (f.getType().isArray()) {
                arrays.add(f.getType());
            }
        }
        assertThat(arrays).containsExactly(long[].class);
    }

    private static boolean cpuAddressable(Type t) {
        if (t instanceof ParameterizedType p) {
            for (Type a : p.getActualTypeArguments()) {
                if (cpuAddressable(a)) {
                    return true;
                }
            }
            return cpuAddressable(p.getRawType());
        }
        if (t instanceof Class<?> c) {
            return c.isArray() || MemorySegment.class.isAssignableFrom(c) || Buffer.class.isAssignableFrom(c);
        }
        return false;
    }
}
