package dev.iomem.testkit.sim;

import dev.iomem.spi.Barriers;

import java.util.Objects;

/**
 * {@link Barriers} that do nothing but record each call in an {@link AccessTrace}, in order
 * with the bus transactions of a {@link SimulatedBus} sharing the trace.
 */
public final class RecordingBarriers implements Barriers {

    private final AccessTrace trace;

    /**
     * Creates barriers that record into {@code trace}.
     *
     * @param trace the trace
     * @throws NullPointerException if {@code trace} is {@code null}
     */
    public RecordingBarriers(AccessTrace trace) {
        this.trace = Objects.requireNonNull(trace, "trace");
    }

    /** {@return the trace these barriers record into} */
    public AccessTrace trace() {
        return trace;
    }

    @Override
    public void beforeOrderedWrite() {
        trace.record(TraceEntry.barrier(AccessKind.BARRIER_BEFORE_WRITE));
    }

    @Override
    public void afterOrderedRead() {
        trace.record(TraceEntry.barrier(AccessKind.BARRIER_AFTER_READ));
    }

    @Override
    public void flushWrites() {
        trace.record(TraceEntry.barrier(AccessKind.FLUSH));
    }
}
