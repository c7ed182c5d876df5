package dev.iomem.testkit.sim;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessor;
import dev.iomem.spi.ArchBackend;

import java.util.Objects;

/**
 * A {@link SimulatedBus} and {@link RecordingBarriers} that share one {@link AccessTrace}: the
 * whole simulated device a backend's accessor is built over.
 *
 * @param bus      the simulated device memory
 * @param barriers the recording barriers
 * @param trace    the trace both record into
 */
public record SimulatedDevice(SimulatedBus bus, RecordingBarriers barriers, AccessTrace trace) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the bus and the barriers do not share {@code trace}
     */
    public SimulatedDevice {
        Objects.requireNonNull(bus, "bus");
        Objects.requireNonNull(barriers, "barriers");
        Objects.requireNonNull(trace, "trace");
        if (bus.trace() != trace || barriers.trace() != trace) {
            throw new IllegalArgumentException("the bus and the barriers must record into the same trace");
        }
    }

    /**
     * {@return a zeroed simulated device of {@code size} bytes that enforces {@code rules}}
     *
     * @param rules the rules the simulated hardware enforces
     * @param size  the window size in bytes
     * @throws IllegalArgumentException if {@code size} is not 1 to {@link SimulatedBus#MAX_SIZE}
     */
    public static SimulatedDevice create(AccessRules rules, long size) {
        AccessTrace trace = new AccessTrace();
        return new SimulatedDevice(new SimulatedBus(rules, size, trace), new RecordingBarriers(trace), trace);
    }

    /**
     * {@return a zeroed simulated device of {@code size} bytes held in pages allocated on first
     * write} See {@link SimulatedBus#sparse(AccessRules, long, AccessTrace)}: windows beyond 4 GiB
     * cost only the pages touched.
     *
     * @param rules the rules the simulated hardware enforces
     * @param size  the window size in bytes
     * @throws IllegalArgumentException if {@code size} is not 1 to {@link SimulatedBus#MAX_SPARSE_SIZE}
     */
    public static SimulatedDevice sparse(AccessRules rules, long size) {
        AccessTrace trace = new AccessTrace();
        return new SimulatedDevice(SimulatedBus.sparse(rules, size, trace), new RecordingBarriers(trace), trace);
    }

    /**
     * {@return {@code backend}'s accessor over this device, for the device's own rules}
     * It is built with {@link ArchBackend#accessor(dev.iomem.spi.IoBus, AccessRules, dev.iomem.spi.Barriers)}.
     *
     * @param backend the backend
     * @throws RuntimeException whatever the backend throws
     */
    public IoAccessor attach(ArchBackend backend) {
        return backend.accessor(bus, bus.rules(), barriers);
    }

    /** {@return the rules the simulated hardware enforces} */
    public AccessRules rules() {
        return bus.rules();
    }
}
