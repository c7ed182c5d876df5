package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.MemoryType;
import dev.iomem.spi.ArchBackend;
import dev.iomem.testkit.sim.SimulatedBus;
import dev.iomem.testkit.sim.SimulatedDevice;
import dev.iomem.testkit.sim.SimulatedFault;
import dev.iomem.testkit.sim.TraceEntry;

import java.util.List;
import java.util.SplittableRandom;

/**
 * One backend's accessor over a fresh simulated device, with the helpers every check uses: run
 * an operation on a cleared trace and turn device faults and unexpected exceptions into
 * {@link ConformanceFailure}s.
 */
final class BackendUnderTest {

    final ArchBackend backend;
    final AccessRules rules;
    final SimulatedDevice device;
    final SimulatedBus bus;
    final IoAccessor accessor;
    final String label;
    /** The RAM address of the last copy's buffer (0 after a fill): algorithms that align the RAM side plan on it. */
    long lastRamAddress;

    private BackendUnderTest(ArchBackend backend, AccessRules rules, SimulatedDevice device, IoAccessor accessor, String label) {
        this.backend = backend;
        this.rules = rules;
        this.device = device;
        this.bus = device.bus();
        this.accessor = accessor;
        this.label = label;
    }

    /** The backend's accessor for its own rules of {@code type}, built with {@code accessor(bus, type, barriers)}. */
    static BackendUnderTest open(ArchBackend backend, MemoryType type, long size) {
        AccessRules rules = backend.rules(type);
        SimulatedDevice device = SimulatedDevice.create(rules, size);
        String label = backend.name() + "/" + type;
        IoAccessor accessor = build(label, () -> backend.accessor(device.bus(), type, device.barriers()));
        return new BackendUnderTest(backend, rules, device, accessor, label);
    }

    /** The backend's accessor for its own rules of {@code type} over a window mapped read-only. */
    static BackendUnderTest openReadOnly(ArchBackend backend, MemoryType type, long size) {
        AccessRules rules = backend.rules(type);
        SimulatedDevice device = SimulatedDevice.create(rules, size);
        device.bus().setReadOnly(true);
        String label = backend.name() + "/" + type + " (read-only window)";
        IoAccessor accessor = build(label, () -> backend.accessor(device.bus(), type, device.barriers()));
        return new BackendUnderTest(backend, rules, device, accessor, label);
    }

    /**
     * The backend's accessor for its own rules of {@code type} over a sparse simulated window
     * (pages allocated on first write), for windows beyond 4 GiB.
     */
    static BackendUnderTest openSparse(ArchBackend backend, MemoryType type, long size) {
        AccessRules rules = backend.rules(type);
        SimulatedDevice device = SimulatedDevice.sparse(rules, size);
        String label = backend.name() + "/" + type + " (window of " + size + " bytes)";
        IoAccessor accessor = build(label, () -> backend.accessor(device.bus(), type, device.barriers()));
        return new BackendUnderTest(backend, rules, device, accessor, label);
    }

    /** The backend's accessor for explicit rules (a quirk, say), built with {@code accessor(bus, rules, barriers)}. */
    static BackendUnderTest open(ArchBackend backend, AccessRules rules, long size, String variant) {
        SimulatedDevice device = SimulatedDevice.create(rules, size);
        String label = backend.name() + "/" + rules.memoryType() + " " + variant;
        IoAccessor accessor = build(label, () -> backend.accessor(device.bus(), rules, device.barriers()));
        return new BackendUnderTest(backend, rules, device, accessor, label);
    }

    private static IoAccessor build(String label, java.util.function.Supplier<IoAccessor> factory) {
        IoAccessor a;
        try {
            a = factory.get();
        } catch (RuntimeException e) {
            throw ConformanceFailure.of(ConformanceRule.VALID_ACCESS, label + " accessor(bus, ..., barriers)", 0, 0,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), "an accessor over the simulated bus", null, e);
        }
        if (a == null) {
            throw ConformanceFailure.of(ConformanceRule.VALID_ACCESS, label + " accessor(bus, ..., barriers)", 0, 0,
                    "null", "an accessor over the simulated bus", null);
        }
        return a;
    }

    /** Fills device memory with bytes that differ from one another and from any fill value used. */
    void scramble(long seed) {
        byte[] b = new byte[(int) bus.size()];
        new SplittableRandom(seed).nextBytes(b);
        bus.poke(0, b);
    }

    /** An operation whose result is a value. */
    @FunctionalInterface
    interface ValueOperation {
        long run();
    }

    /**
     * Runs a valid operation on a cleared trace and returns what it recorded; a device fault or any
     * exception is a failure of the rule it broke.
     */
    List<TraceEntry> run(String what, long offset, long length, Runnable op) {
        runValue(what, offset, length, () -> {
            op.run();
            return 0;
        });
        return device.trace().entries();
    }

    /** Like {@link #run} for an operation with a value; the trace is left in the device's trace. */
    long runValue(String what, long offset, long length, ValueOperation op) {
        device.trace().clear();
        bus.clearFaults();
        long v;
        try {
            v = op.run();
        } catch (SimulatedFault f) {
            throw fault(what, offset, length, f);
        } catch (RuntimeException e) {
            throw ConformanceFailure.of(ConformanceRule.VALID_ACCESS, label + " " + what, offset, length,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), "the access to succeed", device.trace().entries(), e);
        }
        if (!bus.faults().isEmpty()) {
            throw fault(what, offset, length, bus.faults().getFirst());
        }
        return v;
    }

    /** {@return the state of device memory, to compare with {@link #sameMemory}: a sparse bus's pages, a dense bus's bytes} */
    Object memoryState() {
        return bus.isSparse() ? bus.snapshotPages() : bus.snapshot();
    }

    /** {@return whether two {@link #memoryState()}s are equal} */
    static boolean sameMemory(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return java.util.Arrays.equals(x, y);
        }
        java.util.SortedMap<?, ?> x = (java.util.SortedMap<?, ?>) a;
        java.util.SortedMap<?, ?> y = (java.util.SortedMap<?, ?>) b;
        if (!x.keySet().equals(y.keySet())) {
            // A page written with zeros is allocated but equal to an absent one.
            java.util.Set<Object> keys = new java.util.HashSet<>(x.keySet());
            keys.addAll(y.keySet());
            for (Object k : keys) {
                byte[] p = (byte[]) x.get(k);
                byte[] q = (byte[]) y.get(k);
                if (!java.util.Arrays.equals(p == null ? new byte[q.length] : p, q == null ? new byte[p.length] : q)) {
                    return false;
                }
            }
            return true;
        }
        for (Object k : x.keySet()) {
            if (!java.util.Arrays.equals((byte[]) x.get(k), (byte[]) y.get(k))) {
                return false;
            }
        }
        return true;
    }

    /** {@return the kit's rule for the rule a simulated fault names} */
    static ConformanceRule ruleOf(SimulatedFault f) {
        return switch (f.rule()) {
            case "natural-alignment" -> ConformanceRule.NATURAL_ALIGNMENT;
            case "boundary" -> ConformanceRule.BOUNDARY;
            case "allowed-width" -> ConformanceRule.ALLOWED_WIDTH;
            case "block-store-limits" -> ConformanceRule.BLOCK_STORE_LIMITS;
            case "inside-window" -> ConformanceRule.INSIDE_RANGE;
            case "close" -> ConformanceRule.CLOSE;
            case "read-only-window" -> ConformanceRule.READ_ONLY_WINDOW;
            default -> ConformanceRule.HARDWARE_FAULT;
        };
    }

    ConformanceFailure fault(String what, long offset, long length, SimulatedFault f) {
        ConformanceRule rule = ruleOf(f);
        return ConformanceFailure.of(rule, label + " " + what, offset, length,
                "the device fault \"" + f.getMessage() + "\"", "no access the hardware would fault on", device.trace().entries(), f);
    }
}
