package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.OutOfBoundsAccessException;
import dev.iomem.api.Width;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.Barriers;
import dev.iomem.spi.IoBus;
import dev.iomem.testkit.ConformanceReport;
import dev.iomem.testkit.ConformanceRunner;
import dev.iomem.testkit.TestOutcome;
import dev.iomem.testkit.fixtures.BrokenBackend;
import dev.iomem.testkit.fixtures.DelegatingAccessor;
import dev.iomem.testkit.fixtures.DelegatingBus;
import dev.iomem.testkit.fixtures.NativeReferenceBackend;
import dev.iomem.testkit.fixtures.ReferenceBackend;
import dev.iomem.testkit.reference.ReferenceAccessor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each backend here carries one deliberate fault; the kit must fail it, and one failure message
 * must start with the id of the rule the fault breaks.
 */
@DisplayName("The kit fails a broken backend")
class BrokenBackendsTest {

    private static BrokenBackend broken(ReferenceBackend base, String fault, BrokenBackend.Tamper tamper) {
        return new BrokenBackend(base, fault, tamper);
    }

    private static IoAccessor ref(IoBus bus, AccessRules rules, Barriers barriers) {
        return new ReferenceAccessor(bus, rules, barriers);
    }

    /** Barriers that forward all but one kind of call. */
    private static Barriers without(Barriers b, String dropped) {
        return new Barriers() {
            @Override public void beforeRead() { if (!dropped.equals("before-read")) b.beforeRead(); }
            @Override public void afterRead(long v) { if (!dropped.equals("after")) b.afterRead(dropped.equals("value") ? 0 : v); }
            @Override public void beforeWrite() { if (!dropped.equals("before")) b.beforeWrite(); }
            @Override public void afterWrite() { if (!dropped.equals("after-write")) b.afterWrite(); }
            @Override public void flushWrites() { if (!dropped.equals("flush")) b.flushWrites(); }
            @Override public void beforeCopy() { if (!dropped.equals("copy")) b.beforeCopy(); }
            @Override public void afterCopy() { if (!dropped.equals("copy")) b.afterCopy(); }
            @Override public void afterCopyLoad() { if (!dropped.equals("copy-load")) b.afterCopyLoad(); }
        };
    }

    static Stream<Arguments> brokenBackends() {
        return Stream.of(
                Arguments.of("write32 split into four byte stores", "single-transaction",
                        broken(ReferenceBackend.x86(), "split-write32", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void write32(long o, int v) {
                                d.rules();
                                for (int i = 0; i < 4; i++) {
                                    d.write8(o + i, (byte) (v >>> (8 * i)));
                                }
                            }
                        })),
                Arguments.of("write8 reads the byte first (read-modify-write)", "single-transaction",
                        broken(ReferenceBackend.arm64(), "rmw-write8", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void write8Relaxed(long o, byte v) {
                                d.read8Relaxed(o);
                                d.write8Relaxed(o, v);
                            }
                        })),
                Arguments.of("copyFromIo reads one byte past its range", "inside-range",
                        broken(ReferenceBackend.x86(), "stray-read", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void copyFromIo(long o, MemorySegment dst) {
                                d.copyFromIo(o, dst);
                                if (o + dst.byteSize() < d.size()) {
                                    d.read8Relaxed(o + dst.byteSize());
                                }
                            }
                        })),
                Arguments.of("copyToIo writes its last byte twice (an overlapping tail)", "exactly-once",
                        broken(ReferenceBackend.arm64(), "double-tail", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void copyToIo(MemorySegment src, long o) {
                                d.copyToIo(src, o);
                                if (src.byteSize() > 0) {
                                    d.write8Relaxed(o + src.byteSize() - 1, src.get(ValueLayout.JAVA_BYTE, src.byteSize() - 1));
                                }
                            }
                        })),
                Arguments.of("ordered writes without beforeWrite", "barrier-before-ordered-write",
                        broken(ReferenceBackend.arm64(), "no-write-barrier", (bus, r, b) -> ref(bus, r, without(b, "before")))),
                Arguments.of("the write barrier after the store", "barrier-before-ordered-write",
                        broken(ReferenceBackend.arm64(), "late-write-barrier", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void write32(long o, int v) {
                                d.write32Relaxed(o, v);
                                b.beforeWrite();
                            }
                        })),
                Arguments.of("the read barrier before the load", "barrier-after-ordered-read",
                        broken(ReferenceBackend.arm64(), "early-read-barrier", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public long read64(long o) {
                                b.afterRead(0);
                                return d.read64Relaxed(o);
                            }
                        })),
                Arguments.of("ordered reads without beforeRead (powerpc's sync)", "barrier-after-ordered-read",
                        broken(ReferenceBackend.powerpc(), "no-before-read", (bus, r, b) -> ref(bus, r, without(b, "before-read")))),
                Arguments.of("ordered writes without afterWrite", "barrier-before-ordered-write",
                        broken(ReferenceBackend.arm64(), "no-after-write", (bus, r, b) -> ref(bus, r, without(b, "after-write")))),
                Arguments.of("afterRead given 0 instead of the value read", "barrier-after-read-value",
                        broken(ReferenceBackend.powerpc(), "no-read-value", (bus, r, b) -> ref(bus, r, without(b, "value")))),
                Arguments.of("powerpc relaxed accesses without the hooks its rules declare", "relaxed-no-barrier",
                        broken(ReferenceBackend.powerpc(), "unordered-relaxed", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public int read32Relaxed(long o) {
                                d.rules();
                                return (int) bus.load(o, Width.INT); // no beforeRead, no afterRead
                            }
                        })),
                Arguments.of("powerpc copies without sync around them", "copy-fences",
                        broken(ReferenceBackend.powerpc(), "no-copy-sync", (bus, r, b) -> ref(bus, r, without(b, "copy")))),
                Arguments.of("powerpc copyFromIo without eieio after each load", "copy-fences",
                        broken(ReferenceBackend.powerpc(), "no-eieio", (bus, r, b) -> ref(bus, r, without(b, "copy-load")))),
                Arguments.of("powerpc copies aligned on the device side only", "copy-algorithm",
                        broken(ReferenceBackend.powerpc(), "device-side-only", (bus, r, b) -> new DelegatingAccessor(ref(bus,
                                r.toBuilder().copy(new dev.iomem.api.CopyAlgorithm("device side only", dev.iomem.api.CopyEdge.BYTES, Width.INT,
                                        dev.iomem.api.CopyEdge.BYTES, false, r.copyAlgorithm().fences())).build(), b)) {
                            @Override public AccessRules rules() {
                                return r;
                            }
                        })),
                Arguments.of("relaxed writes with barriers", "relaxed-no-barrier",
                        broken(ReferenceBackend.arm64(), "barriered-relaxed", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void write16Relaxed(long o, short v) {
                                d.write16(o, v);
                            }
                        })),
                Arguments.of("big-endian device values", "little-endian",
                        broken(ReferenceBackend.s390x(), "big-endian", (bus, r, b) -> ref(new DelegatingBus(bus) {
                            @Override public long load(long o, Width w) {
                                return Long.reverseBytes(d.load(o, w)) >>> (64 - w.bits());
                            }
                            @Override public void store(long o, Width w, long v) {
                                d.store(o, w, Long.reverseBytes(v) >>> (64 - w.bits()));
                            }
                        }, r, b))),
                Arguments.of("copyToIo writes what fits, then throws", "no-traffic-on-rejection",
                        broken(ReferenceBackend.x86(), "partial-write", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void copyToIo(MemorySegment src, long o) {
                                long n = Math.min(src.byteSize(), d.size() - o);
                                if (o >= 0 && o < d.size() && n > 0) {
                                    d.copyToIo(src.asSlice(0, n), o);
                                }
                                if (n != src.byteSize() || o < 0) {
                                    throw new OutOfBoundsAccessException("copyToIo", o, src.byteSize(), d.size());
                                }
                            }
                        })),
                Arguments.of("block stores that cross the 4 KiB boundary", "boundary",
                        broken(ReferenceBackend.s390x(), "page-crossing", (bus, r, b) -> new DelegatingAccessor(ref(bus, r.toBuilder().boundary(1 << 20).build(), b)) {
                            @Override public AccessRules rules() {
                                return r;
                            }
                        })),
                Arguments.of("copies in descending order", "ascending-order",
                        broken(ReferenceBackend.x86(), "descending", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void copyToIo(MemorySegment src, long o) {
                                if (o < 0 || src.byteSize() > d.size() - o) {
                                    throw new OutOfBoundsAccessException("copyToIo", o, src.byteSize(), d.size());
                                }
                                for (long i = src.byteSize() - 1; i >= 0; i--) {
                                    d.write8Relaxed(o + i, src.get(ValueLayout.JAVA_BYTE, i));
                                }
                            }
                        })),
                Arguments.of("x86 copies with 8-byte accesses", "allowed-width",
                        broken(ReferenceBackend.x86(), "wide-copy", (bus, r, b) -> new DelegatingAccessor(ref(bus, r.toBuilder().maxCopyWidth(Width.LONG).build(), b)) {
                            @Override public AccessRules rules() {
                                return r;
                            }
                        })),
                Arguments.of("arm64 copies with a 4-byte body", "copy-algorithm",
                        broken(ReferenceBackend.arm64(), "narrow-copy", (bus, r, b) -> new DelegatingAccessor(ref(bus, r.toBuilder().maxCopyWidth(Width.INT).build(), b)) {
                            @Override public AccessRules rules() {
                                return r;
                            }
                        })),
                // The refusal reached the bus, which faulted: the failure names the fault's rule (was no-traffic-on-rejection).
                Arguments.of("misaligned accesses passed to the bus unchecked", "natural-alignment",
                        broken(ReferenceBackend.arm64(), "unchecked-alignment", (bus, r, b) -> new DelegatingAccessor(ref(bus, r.toBuilder().naturalAlignment(false).build(), b)) {
                            @Override public AccessRules rules() {
                                return r;
                            }
                        })),
                Arguments.of("a misaligned access refused with the wrong exception", "rejection-type",
                        broken(ReferenceBackend.arm64(), "wrong-exception", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public int read32(long o) {
                                if (o % 4 != 0) {
                                    throw new IllegalArgumentException("misaligned");
                                }
                                return d.read32(o);
                            }
                        })),
                Arguments.of("close that does nothing", "close",
                        broken(ReferenceBackend.x86(), "no-close", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void close() {
                            }
                        })),
                Arguments.of("flushWrites that does nothing", "flush",
                        broken(ReferenceBackend.x86(), "no-flush", (bus, r, b) -> ref(bus, r, without(b, "flush")))),
                Arguments.of("slices that ignore their offset", "slice-isolation",
                        broken(ReferenceBackend.s390x(), "slice-offset", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public IoAccessor slice(long o, long n) {
                                return d.slice(0, n);
                            }
                        })),
                Arguments.of("copies split by the slice offset, not the device address", "copy-algorithm",
                        broken(ReferenceBackend.x86(), "slice-relative-split", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public IoAccessor slice(long o, long n) {
                                // A fresh accessor over a bus shifted by o plans copies from offset 0.
                                IoBus shifted = new DelegatingBus(bus) {
                                    @Override public long size() { return n; }
                                    @Override public long load(long x, Width w) { return d.load(x + o, w); }
                                    @Override public void store(long x, Width w, long v) { d.store(x + o, w, v); }
                                    @Override public void storeBlock(long x, MemorySegment s) { d.storeBlock(x + o, s); }
                                    @Override public void close() { }
                                };
                                return ref(shifted, r, b);
                            }
                        })),
                Arguments.of("slices whose flushWrites does nothing", "flush",
                        broken(ReferenceBackend.arm64(), "slice-no-flush", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public IoAccessor slice(long o, long n) {
                                return new DelegatingAccessor(d.slice(o, n)) {
                                    @Override public void flushWrites() { d.rules(); }
                                };
                            }
                        })),
                Arguments.of("slices whose ordered writes are relaxed", "barrier-before-ordered-write",
                        broken(ReferenceBackend.arm64(), "slice-unordered", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public IoAccessor slice(long o, long n) {
                                return new DelegatingAccessor(d.slice(o, n)) {
                                    @Override public void write32(long x, int v) { d.write32Relaxed(x, v); }
                                    @Override public IoAccessor slice(long x, long m) { return d.slice(x, m); }
                                };
                            }
                        })),
                Arguments.of("read(offset, width) and write(offset, width, value) unchecked, arm64", "natural-alignment",
                        broken(ReferenceBackend.arm64(), "unchecked-generic", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public long read(long o, Width w) { return bus.load(o, w); }
                            @Override public void write(long o, Width w, long v) { bus.store(o, w, v); }
                        })),
                Arguments.of("read(offset, width) and write(offset, width, value) unchecked, x86 with a quirk", "allowed-width",
                        broken(ReferenceBackend.x86(), "unchecked-generic", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public long read(long o, Width w) {
                                return o >= 0 && o <= d.size() - w.bytes() ? bus.load(o, w) : d.read(o, w);
                            }
                            @Override public void write(long o, Width w, long v) {
                                if (o >= 0 && o <= d.size() - w.bytes()) {
                                    bus.store(o, w, v);
                                } else {
                                    d.write(o, w, v);
                                }
                            }
                        })),
                Arguments.of("read(offset, width) after close reaches the bus", "close",
                        broken(ReferenceBackend.x86(), "generic-after-close", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public long read(long o, Width w) { return d.isClosed() ? bus.load(o, w) : d.read(o, w); }
                        })),
                Arguments.of("reads that read again when they see all ones (an error check)", "single-transaction",
                        broken(ReferenceBackend.s390x(), "reread-all-ones", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public int read32Relaxed(long o) {
                                int v = d.read32Relaxed(o);
                                return v == -1 ? d.read32Relaxed(o) : v;
                            }
                            @Override public long read(long o, Width w) {
                                long v = d.read(o, w);
                                return v == w.mask() ? d.read(o, w) : v;
                            }
                        })),
                Arguments.of("copyFromIo that reads the device before it finds the buffer unusable", "ram-buffer",
                        broken(ReferenceBackend.x86(), "late-buffer-check", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void copyFromIo(long o, MemorySegment dst) {
                                byte[] tmp = new byte[(int) dst.byteSize()];
                                d.copyFromIo(o, MemorySegment.ofArray(tmp));
                                MemorySegment.copy(MemorySegment.ofArray(tmp), 0, dst, 0, tmp.length);
                            }
                        })),
                Arguments.of("copyToIo that reads a heap buffer from the start of its array", "correct-bytes",
                        broken(ReferenceBackend.arm64(), "ignores-heap-offset", (bus, r, b) -> new DelegatingAccessor(ref(bus, r, b)) {
                            @Override public void copyToIo(MemorySegment src, long o) {
                                Object base = src.heapBase().orElse(null);
                                MemorySegment whole = base instanceof long[] l ? MemorySegment.ofArray(l)
                                        : base instanceof byte[] a ? MemorySegment.ofArray(a) : src;
                                d.copyToIo(whole.asSlice(0, src.byteSize()), o);
                            }
                        })),
                Arguments.of("a bus that truncates offsets to 32 bits", "large-window",
                        broken(ReferenceBackend.x86(), "int-offsets", (bus, r, b) -> ref(new DelegatingBus(bus) {
                            @Override public long load(long o, Width w) { return d.load((int) o, w); }
                            @Override public void store(long o, Width w, long v) { d.store((int) o, w, v); }
                        }, r, b))),
                Arguments.of("a native bus that stores big-endian", "native-path",
                        new NativeReferenceBackend("ref-native-big-endian", ReferenceBackend.x86()::rules, bus -> new DelegatingBus(bus) {
                            @Override public void store(long o, Width w, long v) {
                                d.store(o, w, Long.reverseBytes(v) >>> (64 - w.bits()));
                            }
                        }))
        );
    }

    @ParameterizedTest(name = "{0}: fails [{1}]")
    @MethodSource("brokenBackends")
    @DisplayName("with a failure naming the rule it breaks")
    void failsWithTheRule(String fault, String rule, ArchBackend backend) {
        ConformanceReport report = ConformanceRunner.builder().build().run(List.of(backend));
        assertThat(report.passed()).as("the kit passed a backend with " + fault).isFalse();
        assertThat(report.failures()).extracting(TestOutcome::message)
                .as("failures of " + backend.name())
                .anySatisfy(m -> assertThat(m).startsWith("[" + rule + "]").contains("Broken by " + backend.name()).contains("offset").contains("saw").contains("expected"));
    }
}
