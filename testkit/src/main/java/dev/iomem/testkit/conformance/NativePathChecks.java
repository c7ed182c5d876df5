package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.Availability;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.api.IoFaultException;
import dev.iomem.spi.ArchBackend;
import dev.iomem.spi.IoBus;
import dev.iomem.spi.MappedRegion;
import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import org.junit.jupiter.api.Assumptions;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * The backend's own native path, where this machine can run it: {@code openBus} over native
 * memory (standing in for a mapped BAR), the accessor built with {@code nativeBarriers()}, and
 * scalars, copies and fills compared with the memory's bytes. There is no trace here, only
 * results; a backend not available on this machine (another {@code os.arch}, native access not
 * enabled) is skipped with the reason its {@code probe()} gives, and so is one whose bus refuses
 * plain memory with an {@link IoFaultException} on its first read (s390x's system calls need a
 * real zPCI BAR).
 */
final class NativePathChecks {

    private NativePathChecks() {
    }

    /** A check over one memory type's native accessor and the memory under it. */
    @FunctionalInterface
    private interface Body {
        void run(AccessRules rules, MemorySegment memory, IoAccessor accessor, String label);
    }

    private static void onNativeMemory(ArchBackendConformance kit, Body body) {
        ArchBackend b = kit.backend();
        String arch = System.getProperty("os.arch", "unknown");
        Availability av;
        try {
            av = b.probe();
        } catch (RuntimeException e) {
            throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, b.name() + " probe()", 0, 0,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), "an answer, never an exception", null, e);
        }
        boolean here = av != null && av.available() && b.osArchNames().contains(arch);
        Assumptions.assumeTrue(here, () -> b.name() + " does not run natively on this machine (os.arch " + arch + "): "
                + (av == null ? "probe() returned null" : av.available() ? "os.arch is not one of " + b.osArchNames() : av.reason()));
        long size = kit.windowSize();
        for (MemoryType t : kit.memoryTypes()) {
            String label = b.name() + "/" + t + " native bus over native memory";
            try (Arena arena = Arena.ofShared()) {
                MemorySegment memory = arena.allocate(size, 4096);
                IoBus bus;
                try {
                    bus = b.openBus(new MappedRegion(memory, t, "native memory of the conformance kit", false));
                } catch (RuntimeException e) {
                    throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, label + " openBus", 0, size,
                            e.getClass().getSimpleName() + ": " + e.getMessage(), "a bus, since probe() says " + av.reason(), null, e);
                }
                IoAccessor a;
                try {
                    a = b.accessor(bus, t, b.nativeBarriers());
                } catch (RuntimeException e) {
                    bus.close();
                    throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, label + " accessor(bus, type, nativeBarriers())", 0, size,
                            e.getClass().getSimpleName() + ": " + e.getMessage(), "an accessor over its own bus", null, e);
                }
                try {
                    Width first = new java.util.TreeSet<>(b.rules(t).scalarWidths()).first();
                    try {
                        a.read(0, first);
                    } catch (IoFaultException e) {
                        // s390x's bus issues PCI system calls on the mapping's address: only a
                        // real zPCI BAR can answer them, and plain memory cannot stand in for one.
                        Assumptions.abort(b.name() + "'s native bus refuses plain memory (" + e.getMessage()
                                + "): it needs a real device window, which the kit does not have");
                    }
                    body.run(b.rules(t), memory, a, label);
                } finally {
                    a.close();
                }
            }
        }
    }

    private static ConformanceFailure threw(String what, long off, long len, RuntimeException e) {
        return ConformanceFailure.of(ConformanceRule.NATIVE_PATH, what, off, len, e.getClass().getSimpleName() + ": " + e.getMessage(),
                "the access to succeed", null, e);
    }

    private static long valueAt(MemorySegment m, long off, Width w) {
        long v = 0;
        for (int i = w.bytes() - 1; i >= 0; i--) {
            v = (v << 8) | (m.get(ValueLayout.JAVA_BYTE, off + i) & 0xFF);
        }
        return v;
    }

    private static void setValue(MemorySegment m, long off, Width w, long v) {
        for (int i = 0; i < w.bytes(); i++) {
            m.set(ValueLayout.JAVA_BYTE, off + i, (byte) (v >>> (8 * i)));
        }
    }

    static void scalars(ArchBackendConformance kit) {
        onNativeMemory(kit, (rules, memory, a, label) -> {
            for (Width w : KitCases.widths(rules)) {
                for (long off : KitCases.scalarOffsets(rules, w, memory.byteSize())) {
                    if (off % w.bytes() != 0) {
                        continue;
                    }
                    for (long v : new long[]{ScalarAccess.pattern(w, off), w.mask(), 1L << (w.bits() - 1)}) {
                        for (int how = 0; how < 3; how++) {
                            boolean ordered = how != 1;
                            boolean generic = how == 2;
                            String wn = generic ? ScalarAccess.genericName(w, true) : ScalarAccess.name(w, ordered, true);
                            String rn = generic ? ScalarAccess.genericName(w, false) : ScalarAccess.name(w, ordered, false);
                            try {
                                if (generic) {
                                    ScalarAccess.writeGeneric(a, w, off, v);
                                } else {
                                    ScalarAccess.write(a, w, ordered, off, v);
                                }
                            } catch (RuntimeException e) {
                                throw threw(label + " " + wn, off, w.bytes(), e);
                            }
                            long seen = valueAt(memory, off, w);
                            if (seen != v) {
                                throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, label + " " + wn + "(" + hex(v) + ")", off, w.bytes(),
                                        "memory bytes " + ScalarAccess.hex(memory.asSlice(off, w.bytes()).toArray(ValueLayout.JAVA_BYTE)),
                                        ScalarAccess.hex(ScalarAccess.littleEndian(v, w.bytes())) + " (the value little-endian)", null);
                            }
                            long fresh = (v ^ ScalarAccess.pattern(w, off + 0x33)) & w.mask();
                            setValue(memory, off, w, fresh);
                            long got;
                            try {
                                got = generic ? ScalarAccess.readGeneric(a, w, off) : ScalarAccess.read(a, w, ordered, off);
                            } catch (RuntimeException e) {
                                throw threw(label + " " + rn, off, w.bytes(), e);
                            }
                            if (got != fresh) {
                                throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, label + " " + rn, off, w.bytes(), hex(got),
                                        hex(fresh) + " (memory bytes " + ScalarAccess.hex(ScalarAccess.littleEndian(fresh, w.bytes())) + " read little-endian)", null);
                            }
                        }
                    }
                }
            }
        });
    }

    static void copies(ArchBackendConformance kit) {
        onNativeMemory(kit, (rules, memory, a, label) -> {
            byte[] model = new byte[(int) memory.byteSize()];
            new SplittableRandom(23).nextBytes(model);
            MemorySegment.copy(model, 0, memory, ValueLayout.JAVA_BYTE, 0, model.length);
            List<long[]> cases = KitCases.copyCases(rules, memory.byteSize());
            long seed = 1;
            try (Arena arena = Arena.ofConfined()) {
                for (long[] c : cases) {
                    long off = c[0];
                    int len = (int) c[1];
                    for (Operation op : Operation.values()) {
                        seed++;
                        String what = label + " " + op.method;
                        MemorySegment buf = CopyRuns.source(len, seed, (seed & 1) == 0, arena);
                        byte value = (byte) (0x80 | (seed & 0x7F));
                        byte[] before = buf.toArray(ValueLayout.JAVA_BYTE);
                        try {
                            switch (op) {
                                case COPY_TO_IO -> a.copyToIo(buf, off);
                                case COPY_FROM_IO -> a.copyFromIo(off, buf);
                                case FILL_IO -> a.fillIo(off, len, value);
                            }
                        } catch (RuntimeException e) {
                            throw threw(what, off, len, e);
                        }
                        switch (op) {
                            case COPY_TO_IO -> System.arraycopy(before, 0, model, (int) off, len);
                            case FILL_IO -> Arrays.fill(model, (int) off, (int) off + len, value);
                            case COPY_FROM_IO -> {
                                byte[] got = buf.toArray(ValueLayout.JAVA_BYTE);
                                int at = Arrays.mismatch(got, Arrays.copyOfRange(model, (int) off, (int) off + len));
                                if (at >= 0) {
                                    throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, what, off, len,
                                            String.format("byte %02x in the buffer for offset 0x%x", got[at], off + at),
                                            String.format("%02x, the memory's byte", model[(int) off + at]), null);
                                }
                            }
                        }
                        long at = MemorySegment.mismatch(memory, 0, memory.byteSize(), MemorySegment.ofArray(model), 0, model.length);
                        if (at >= 0) {
                            byte now = memory.get(ValueLayout.JAVA_BYTE, at);
                            boolean inside = at >= off && at < off + len;
                            throw ConformanceFailure.of(ConformanceRule.NATIVE_PATH, what, off, len,
                                    String.format("memory byte 0x%x = %02x%s", at, now, inside ? "" : " (outside the range)"),
                                    String.format("%02x", model[(int) at]), null);
                        }
                    }
                }
            }
        });
    }
}
