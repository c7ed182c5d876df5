package dev.iomem.testkit.conformance;

import dev.iomem.testkit.sim.AccessTrace;
import dev.iomem.testkit.sim.TraceEntry;

import java.util.List;
import java.util.Objects;

/**
 * A broken conformance rule. The message names the rule, what was done (backend, memory type,
 * operation, offset and length), what was seen and what was expected, and the trace.
 */
public final class ConformanceFailure extends AssertionError {

    /** How many trace entries a message shows. */
    static final int TRACE_LINES = 24;

    /** The rule that was broken. */
    private final ConformanceRule rule;
    /** The device offset. */
    private final long offset;
    /** The length in bytes. */
    private final long length;

    private ConformanceFailure(ConformanceRule rule, long offset, long length, String message, Throwable cause) {
        super(message, cause);
        this.rule = rule;
        this.offset = offset;
        this.length = length;
    }

    /**
     * Creates a failure.
     *
     * @param rule     the rule broken
     * @param what     what was done, such as {@code "aarch64/DEVICE copyToIo"}
     * @param offset   the device offset of the operation
     * @param length   its length in bytes
     * @param seen     what happened
     * @param expected what should have happened
     * @param trace    the trace of the operation, or {@code null} if it does not matter
     * @return the failure, to throw
     */
    public static ConformanceFailure of(ConformanceRule rule, String what, long offset, long length,
                                        String seen, String expected, List<TraceEntry> trace) {
        return of(rule, what, offset, length, seen, expected, trace, null);
    }

    /**
     * Creates a failure with a cause.
     *
     * @param rule     the rule broken
     * @param what     what was done
     * @param offset   the device offset of the operation
     * @param length   its length in bytes
     * @param seen     what happened
     * @param expected what should have happened
     * @param trace    the trace of the operation, or {@code null}
     * @param cause    the exception behind it, or {@code null}
     * @return the failure, to throw
     */
    public static ConformanceFailure of(ConformanceRule rule, String what, long offset, long length,
                                        String seen, String expected, List<TraceEntry> trace, Throwable cause) {
        Objects.requireNonNull(rule, "rule");
        String msg = "[" + rule.id() + "] " + rule.sentence() + ". Broken by " + what
                + " at offset 0x" + Long.toHexString(offset) + " (" + offset + ") length " + length
                + ": saw " + seen + "; expected " + expected + "."
                + (trace == null ? "" : " Trace: " + AccessTrace.format(trace, TRACE_LINES));
        return new ConformanceFailure(rule, offset, length, msg, cause);
    }

    /** {@return the rule broken} */
    public ConformanceRule rule() {
        return rule;
    }

    /** {@return the device offset of the failing operation} */
    public long offset() {
        return offset;
    }

    /** {@return the length of the failing operation} */
    public long length() {
        return length;
    }
}
