package dev.iomem.testkit.conformance;

import dev.iomem.api.Width;
import dev.iomem.testkit.sim.AccessKind;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.iomem.testkit.conformance.KitCases.pageOf;
import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * The checks of concurrent use, inherited by the {@code Concurrency} class of
 * {@link ArchBackendConformance}: threads writing and reading neighbouring registers, or copying
 * and filling neighbouring ranges, at once lose no write and see only their own bytes.
 */
abstract class ConcurrencyChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("threads writing and reading distinct neighbouring registers at once lose no write")
    void distinctRegisters() throws Exception {
        int threads = 4;
        int rounds = 2000;
        for (BackendUnderTest h : kit().each()) {
            Width w = h.rules.allows(Width.INT) ? Width.INT : widths(h.rules).getFirst();
            long base = 512;
            h.device.trace().clear();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long off = base + (long) t * w.bytes();
                    int id = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        for (int i = 1; i <= rounds; i++) {
                            long v = ((long) id << (w.bits() - 4)) | i;
                            v &= w.mask();
                            ScalarAccess.write(h.accessor, w, (i & 1) == 0, off, v);
                            long back = ScalarAccess.read(h.accessor, w, (i & 1) != 0, off);
                            if (back != v) {
                                return "thread " + id + " read " + hex(back) + " right after writing " + hex(v);
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<String> f : results) {
                    String problem = f.get(120, TimeUnit.SECONDS);
                    if (problem != null) {
                        throw ConformanceFailure.of(ConformanceRule.CONCURRENT_WRITES, h.label + " " + threads + " threads", base,
                                (long) threads * w.bytes(), problem, "each thread to read back its own last write", null);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            List<TraceEntry> trace = h.device.trace().entries();
            for (int t = 0; t < threads; t++) {
                long off = base + (long) t * w.bytes();
                long last = (((long) t << (w.bits() - 4)) | rounds) & w.mask();
                long seen = h.bus.peekValue(off, w);
                long stores = trace.stream().filter(e -> e.kind() == AccessKind.STORE && e.offset() == off && e.size() == w.bytes()).count();
                long foreign = trace.stream().filter(e -> e.isTransaction() && e.overlaps(off, off + w.bytes())
                        && (e.offset() != off || e.size() != w.bytes())).count();
                if (seen != last || stores != rounds || foreign != 0) {
                    throw ConformanceFailure.of(ConformanceRule.CONCURRENT_WRITES, h.label + " " + threads + " threads", off, w.bytes(),
                            "final value " + hex(seen) + ", " + stores + " stores of the register, " + foreign + " wider or shifted accesses over it",
                            hex(last) + ", " + rounds + " stores, none wider or shifted", null);
                }
            }
        }
    }

    @Test
    @DisplayName("threads copying and filling distinct ranges at once see only their own bytes")
    void distinctRanges() throws Exception {
        int threads = 4;
        int rounds = 300;
        int span = 40;
        for (BackendUnderTest h : kit().each()) {
            long base = 3 * pageOf(h.rules) / 2 + 3;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long off = base + (long) t * (span + 5);
                    int id = t;
                    results.add(pool.submit(() -> {
                        start.await();
                        byte[] mine = new byte[span];
                        byte[] back = new byte[span];
                        for (int i = 0; i < rounds; i++) {
                            Arrays.fill(mine, (byte) (id * 64 + i));
                            mine[i % span] ^= (byte) 0x5A;
                            h.accessor.copyToIo(MemorySegment.ofArray(mine), off);
                            h.accessor.copyFromIo(off, MemorySegment.ofArray(back));
                            if (!Arrays.equals(mine, back)) {
                                return "thread " + id + " read back " + ScalarAccess.hex(back) + " after copying " + ScalarAccess.hex(mine);
                            }
                            h.accessor.fillIo(off, span, (byte) ~id);
                            h.accessor.copyFromIo(off, MemorySegment.ofArray(back));
                            for (byte b : back) {
                                if (b != (byte) ~id) {
                                    return "thread " + id + " read back " + ScalarAccess.hex(back) + " after filling with " + String.format("%02x", (byte) ~id);
                                }
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<String> f : results) {
                    String problem = f.get(120, TimeUnit.SECONDS);
                    if (problem != null) {
                        throw ConformanceFailure.of(ConformanceRule.CONCURRENT_WRITES, h.label + " " + threads + " threads copying", base,
                                (long) threads * (span + 5), problem, "each thread to read back exactly what it wrote", null);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            if (!h.bus.faults().isEmpty()) {
                throw h.fault("concurrent copies", base, (long) threads * (span + 5), h.bus.faults().getFirst());
            }
        }
    }
}
