package dev.iomem.core.races;

import dev.iomem.api.dma.DmaAddressSpace;
import dev.iomem.api.dma.DmaConstraints;
import dev.iomem.api.dma.DmaDirection;
import dev.iomem.api.dma.DmaOnlySgTable;
import dev.iomem.core.dma.DmaTableBuilder;
import dev.iomem.core.dma.PagemapDmaMapper;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Many threads read one {@link DmaOnlySgTable} (segments, lengths, {@code forEachSegment}) while
 * other threads close it. Every call completes with the right values or throws
 * {@link IllegalStateException}; nothing else is thrown; the unmap runs exactly once; and for a
 * real pagemap mapping, nothing stays locked.
 */
@DisplayName("Close races: a DMA-only scatter-gather table")
class DmaTableCloseRaceTest {

    private static final int READERS = 4;
    private static final int CLOSERS = 3;
    private static final long CALLS_BEFORE_CLOSE = 2_000;
    private static final long MAX_CALLS_PER_READER = 200_000;
    private static final int CALLS_AFTER_REFUSAL = 100;

    private record Outcome(long refusals, Queue<Throwable> unexpected) {
    }

    /**
     * Readers check each segment against {@code expected} (address, length pairs, or
     * {@code null} to check only that lengths are positive); closers close once the readers have
     * made {@link #CALLS_BEFORE_CLOSE} calls.
     */
    private static Outcome race(DmaOnlySgTable table, long[] expected) throws InterruptedException {
        int count = table.segmentCount();
        long total = table.totalLength();
        AtomicLong calls = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch closeNow = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread[] threads = new Thread[READERS + CLOSERS];
        for (int t = 0; t < READERS; t++) {
            long seed = t;
            threads[t] = Thread.ofPlatform().name("reader-" + t).start(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                try {
                    start.await();
                    int afterRefusal = -1;
                    for (long n = 0; afterRefusal < CALLS_AFTER_REFUSAL; n++) {
                        if (n == MAX_CALLS_PER_READER) {
                            closed.await(); // a closer that was slow to run: from now on every call is refused
                        }
                        try {
                            read(table, rnd, count, total, expected);
                            if (afterRefusal >= 0) {
                                unexpected.add(new AssertionError("a call completed after an earlier one was refused"));
                            }
                        } catch (IllegalStateException refused) {
                            refusals.incrementAndGet();
                            afterRefusal++;
                        }
                        if (calls.incrementAndGet() == CALLS_BEFORE_CLOSE) {
                            closeNow.countDown();
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                } finally {
                    closeNow.countDown();
                }
            });
        }
        for (int t = 0; t < CLOSERS; t++) {
            threads[READERS + t] = Thread.ofPlatform().name("closer-" + t).start(() -> {
                try {
                    closeNow.await();
                    table.close();
                    if (!table.isClosed()) {
                        unexpected.add(new AssertionError("close returned but the table is open"));
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                } finally {
                    closed.countDown();
                }
            });
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return new Outcome(refusals.get(), unexpected);
    }

    private static void read(DmaOnlySgTable table, SplittableRandom rnd, int count, long total, long[] expected) {
        switch (rnd.nextInt(5)) {
            case 0 -> assertThat(table.segmentCount()).isEqualTo(count);
            case 1 -> {
                int i = rnd.nextInt(count);
                long a = table.dmaAddress(i);
                if (expected != null) {
                    assertThat(a).isEqualTo(expected[2 * i]);
                }
            }
            case 2 -> {
                int i = rnd.nextInt(count);
                long l = table.length(i);
                assertThat(l).isPositive();
                if (expected != null) {
                    assertThat(l).isEqualTo(expected[2 * i + 1]);
                }
            }
            case 3 -> assertThat(table.totalLength()).isEqualTo(total);
            default -> {
                long[] sum = new long[1];
                AtomicInteger next = new AtomicInteger();
                table.forEachSegment((i, a, l) -> {
                    assertThat(i).isEqualTo(next.getAndIncrement());
                    if (expected != null) {
                        assertThat(a).isEqualTo(expected[2 * i]);
                        assertThat(l).isEqualTo(expected[2 * i + 1]);
                    }
                    sum[0] += l;
                });
                assertThat(sum[0]).isEqualTo(total);
            }
        }
    }

    @Test
    @DisplayName("readers and three closers on a built table: values right or IllegalStateException, unmap ran exactly once")
    void builtTable() throws Exception {
        int segments = 512;
        long[] expected = new long[2 * segments];
        DmaTableBuilder b = DmaTableBuilder.create(DmaAddressSpace.IOVA, DmaConstraints.UNRESTRICTED, DmaDirection.BIDIRECTIONAL, null, false);
        for (int i = 0; i < segments; i++) {
            long address = 0x1_0000_0000L + i * 0x10_0000L; // gaps: no coalescing
            long length = 4096L * (1 + i % 7);
            b.add(address, length);
            expected[2 * i] = address;
            expected[2 * i + 1] = length;
        }
        AtomicInteger unmaps = new AtomicInteger();
        DmaOnlySgTable table = b.build(unmaps::incrementAndGet);
        Outcome o = race(table, expected);
        assertThat(o.unexpected()).as("exceptions other than IllegalStateException, or wrong values").isEmpty();
        assertThat(o.refusals()).as("the readers saw the close").isPositive();
        assertThat(unmaps).as("unmapped exactly once").hasValue(1);
        assertThat(table.isClosed()).isTrue();
        assertThatThrownBy(table::segmentCount).isInstanceOf(IllegalStateException.class);
        table.close();
        assertThat(unmaps).hasValue(1);
    }

    @Test
    @DisplayName("readers and three closers on a real pagemap mapping of locked memory: nothing stays locked")
    void pagemapTable() throws Exception {
        long lockedBefore = lockedKib();
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(4 << 20, 4096);
            DmaOnlySgTable table = PagemapDmaMapper.create().mapUser(buffer, DmaDirection.TO_DEVICE,
                    DmaConstraints.UNRESTRICTED.withMaxSegmentSize(4096));
            assertThat(table.segmentCount()).isEqualTo(1024);
            assertThat(lockedKib()).as("the mapping locks the buffer").isGreaterThan(lockedBefore);
            Outcome o = race(table, null);
            assertThat(o.unexpected()).as("exceptions other than IllegalStateException").isEmpty();
            assertThat(o.refusals()).isPositive();
            assertThat(table.isClosed()).isTrue();
            assertThat(lockedKib()).as("unlocked once the first close returned").isEqualTo(lockedBefore);
        }
    }

    private static long lockedKib() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmLck:"))
                .mapToLong(l -> Long.parseLong(l.substring(6).replace("kB", "").strip())).findFirst().orElseThrow();
    }
}
