package dev.iomem.testkit.sim;

import dev.iomem.spi.Barriers;

import java.util.Objects;

/**
 * {@link Barriers} that do nothing but record each call of every hook in an {@link AccessTrace}, in order
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
    public void beforeRead() {
        trace.record(TraceEntry.barrier(AccessKind.BARRIER_BEFORE_READ));
    }

    @Override
    public void afterRead(long value) {
        trace.record(TraceEntry.barrier(AccessKind.BARRIER_AFTER_READ, value));
    }

    @Override
    public void beforeWrite() {
        trace.record(TraceEntry.barrier(AccessKind.BARRIER_BEFORE_WRITE));
    }

    @Override
    public void afterWrite() {
        trace.record(TraceEntry.barrier(AccessKind.BARRIER_AFTER_WRITE));
    }

    @Override
    public void flushWrites() {
        trace.record(TraceEntry.barrier(AccessKind.FLUSH));
    }

    @Override
    public void beforeCopy() {
        trace.record(TraceEntry.barrier(AccessKind.COPY_FENCE_BEFORE));
    }

    @Override
    public void afterCopy() {
        trace.record(TraceEntry.barrier(AccessKind.COPY_FENCE_AFTER));
    }

    @Override
    public void afterCopyLoad() {
        trace.record(TraceEntry.barrier(AccessKind.COPY_FENCE_AFTER_LOAD));
    }
}
