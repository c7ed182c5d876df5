package dev.iomem.core.races;

import dev.iomem.api.AccessRules;
import dev.iomem.api.AccessorClosedException;
import dev.iomem.api.CopyAlgorithm;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.core.access.MappedBus;
import dev.iomem.core.access.RuleDrivenAccessor;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.MappedRegion;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Many threads use one accessor over a real {@code FileChannel.map} mapping in a shared arena
 * (scalars, copies, fills, slices) while another thread closes the accessor, or the arena that
 * owns the mapping. Every call must complete or throw {@link IllegalStateException} (the
 * accessor's {@link AccessorClosedException}, or FFM's for a closed arena); no other exception,
 * and no crash (a SIGBUS would kill the test JVM, and scripts/test fails on its hs_err file).
 *
 * <p>The close comes once the workers have made a set number of calls, not after a delay; the
 * workers stop soon after they see the close, so each run takes well under a second.
 */
@DisplayName("Close races: an accessor over a real mapping")
class AccessorCloseRaceTest {

    private static final int WORKERS = 4;
    private static final long CALLS_BEFORE_CLOSE = 40_000;
    /** A worker that has not seen the close by then waits for it (the closer was slow to run). */
    private static final long MAX_CALLS_PER_WORKER = 400_000;
    /** Calls a worker keeps making after its first refusal, all of which must be refused too. */
    private static final int CALLS_AFTER_REFUSAL = 200;
    private static final long SIZE = 64 * 1024;

    @TempDir
    Path dir;

    private static final AccessRules X86 = AccessRules.builder("x86_64", MemoryType.DEVICE).naturalAlignment(false)
            .copy(CopyAlgorithm.X86).build();
    private static final AccessRules ARM64 = AccessRules.builder("aarch64", MemoryType.DEVICE)
            .copy(CopyAlgorithm.GENERIC).build();

    private MappedRegion map(Path file, Arena arena) throws IOException {
        Files.write(file, new byte[(int) SIZE]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new MappedRegion(ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena), MemoryType.DEVICE, "file " + file, false);
        }
    }

    /**
     * Makes one random call of the accessor's API; returns whether it reaches the mapping
     * ({@code flushWrites} with no barriers does not, so it completes even after the arena is closed).
     */
    private static boolean call(IoAccessor io, SplittableRandom rnd, MemorySegment ram) {
        long off = rnd.nextLong(SIZE / 8 - 64) * 8;
        switch (rnd.nextInt(10)) {
            case 0 -> io.read32(off);
            case 1 -> io.write32(off, 0x5a5a_5a5a);
            case 2 -> io.read64Relaxed(off);
            case 3 -> io.write8(off + 3, (byte) 1);
            case 4 -> io.copyToIo(ram, off);
            case 5 -> io.copyFromIo(off, ram);
            case 6 -> io.fillIo(off + 1, 200, (byte) 0xa5);
            case 7 -> io.slice(off, 64).write16(2, (short) 7);
            case 8 -> io.write(off, Width.LONG, -1L);
            default -> {
                io.flushWrites();
                return false;
            }
        }
        return true;
    }

    private record Outcome(long calls, long refusals, Queue<Throwable> unexpected) {
    }

    /** Runs the workers and one closer; returns what the workers saw. */
    private static Outcome race(IoAccessor io, Runnable close) throws InterruptedException {
        AtomicLong calls = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch closeNow = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread[] workers = new Thread[WORKERS];
        for (int t = 0; t < WORKERS; t++) {
            long seed = t;
            workers[t] = Thread.ofPlatform().name("worker-" + t).start(() -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                try (Arena mine = Arena.ofConfined()) {
                    MemorySegment ram = mine.allocate(100);
                    start.await();
                    int afterRefusal = -1;
                    for (long i = 0; afterRefusal < CALLS_AFTER_REFUSAL; i++) {
                        if (i == MAX_CALLS_PER_WORKER) {
                            closed.await(); // a closer that was slow to run: from now on every call is refused
                        }
                        try {
                            boolean reached = call(io, rnd, ram);
                            if (afterRefusal >= 0 && reached) {
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
                    closeNow.countDown(); // a worker that ends early must not leave the closer waiting
                }
            });
        }
        Thread closer = Thread.ofPlatform().name("closer").start(() -> {
            try {
                closeNow.await();
                close.run();
            } catch (Throwable e) {
                unexpected.add(e);
            } finally {
                closed.countDown();
            }
        });
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        closer.join();
        return new Outcome(calls.get(), refusals.get(), unexpected);
    }

    @ParameterizedTest(name = "{0} rules")
    @ValueSource(strings = {"x86_64", "aarch64"})
    @DisplayName("another thread closes the accessor: every call completes or throws IllegalStateException")
    void closeTheAccessor(String arch) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MappedRegion region = map(dir.resolve("bar.bin"), arena);
            IoAccessor io = RuleDrivenAccessor.over(new MappedBus(region), arch.equals("x86_64") ? X86 : ARM64, Barriers.none());
            AtomicBoolean closed = new AtomicBoolean();
            Outcome o = race(io, () -> {
                // Two closers at once: close is idempotent under a race too.
                Thread second = Thread.ofPlatform().start(io::close);
                io.close();
                closed.set(true);
                try {
                    second.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(o.unexpected()).as("exceptions other than IllegalStateException").isEmpty();
            assertThat(o.refusals()).as("the workers saw the close").isPositive();
            assertThat(closed).isTrue();
            assertThat(io.isClosed()).isTrue();
            assertThatThrownBy(() -> io.read32(0)).isInstanceOf(AccessorClosedException.class);
            // The mapping itself is untouched by an accessor's close: the arena still owns it.
            assertThat(region.segment().scope().isAlive()).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} rules")
    @ValueSource(strings = {"x86_64", "aarch64"})
    @DisplayName("another thread closes the mapping's shared arena: every call completes or throws IllegalStateException, and the mapping is gone")
    void closeTheArena(String arch) throws Exception {
        Path file = dir.resolve("bar.bin");
        Arena arena = Arena.ofShared();
        MappedRegion region = map(file, arena);
        IoAccessor io = RuleDrivenAccessor.over(new MappedBus(region), arch.equals("x86_64") ? X86 : ARM64, Barriers.none());
        Outcome o = race(io, arena::close);
        assertThat(o.unexpected()).as("exceptions other than IllegalStateException").isEmpty();
        assertThat(o.refusals()).as("the workers saw the close").isPositive();
        assertThat(region.segment().scope().isAlive()).isFalse();
        assertThatThrownBy(() -> io.write32(0, 1)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> io.copyFromIo(0, MemorySegment.ofArray(new byte[16]))).isInstanceOf(IllegalStateException.class);
        String real = file.toRealPath().toString();
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        assertThat(maps).as("unmapped").noneMatch(l -> l.endsWith(real));
        io.close();
    }
}
