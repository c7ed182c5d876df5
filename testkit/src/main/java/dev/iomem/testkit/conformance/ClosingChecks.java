package dev.iomem.testkit.conformance;

import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;
import dev.iomem.testkit.conformance.KitExpectations.Refusal;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.expectRefused;
import static dev.iomem.testkit.conformance.KitExpectations.roundTripAt;

/**
 * The checks of closing, inherited by the {@code Closing} class of
 * {@link ArchBackendConformance}: every access through a closed accessor is refused with no
 * traffic, close releases the bus and is idempotent, and closing a window closes its slices but
 * closing a slice closes only the slice.
 */
abstract class ClosingChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    private List<Refusal> everything(IoAccessor a, Width w) {
        List<Refusal> out = new ArrayList<>();
        for (boolean ordered : new boolean[]{true, false}) {
            out.add(new Refusal(ScalarAccess.name(w, ordered, true) + " after close", 0, w.bytes(), IllegalStateException.class,
                    () -> ScalarAccess.write(a, w, ordered, 0, 1)));
            out.add(new Refusal(ScalarAccess.name(w, ordered, false) + " after close", 0, w.bytes(), IllegalStateException.class,
                    () -> ScalarAccess.read(a, w, ordered, 0)));
        }
        out.add(new Refusal("copyToIo after close", 0, 16, IllegalStateException.class, () -> a.copyToIo(MemorySegment.ofArray(new byte[16]), 0)));
        out.add(new Refusal("copyFromIo after close", 0, 16, IllegalStateException.class, () -> a.copyFromIo(0, MemorySegment.ofArray(new byte[16]))));
        out.add(new Refusal("fillIo after close", 0, 16, IllegalStateException.class, () -> a.fillIo(0, 16, (byte) 1)));
        out.add(new Refusal("flushWrites after close", 0, 0, IllegalStateException.class, a::flushWrites));
        out.add(new Refusal("slice after close", 0, 16, IllegalStateException.class, () -> a.slice(0, 16)));
        return out;
    }

    private void expectClosedRefusal(BackendUnderTest h, Refusal r) {
        expectRefused(h, r, ConformanceRule.CLOSE);
    }

    @Test
    @DisplayName("every access through a closed accessor throws AccessorClosedException and touches nothing; close releases the bus")
    void useAfterClose() {
        for (BackendUnderTest h : kit().each()) {
            h.accessor.close();
            if (!h.accessor.isClosed()) {
                throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " isClosed() after close()", 0, 0, "false", "true", null);
            }
            if (!h.bus.isClosed()) {
                throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " close()", 0, 0, "the bus left open",
                        "closing the root accessor closes its bus", null);
            }
            for (Width w : widths(h.rules)) {
                for (Refusal r : everything(h.accessor, w)) {
                    expectClosedRefusal(h, r);
                }
            }
        }
    }

    @Test
    @DisplayName("close is idempotent")
    void idempotent() {
        for (BackendUnderTest h : kit().each()) {
            h.accessor.close();
            try {
                h.accessor.close();
            } catch (RuntimeException e) {
                throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " second close()", 0, 0,
                        e.getClass().getSimpleName() + ": " + e.getMessage(), "nothing: close is idempotent", null, e);
            }
            if (!h.device.trace().isEmpty()) {
                throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " close()", 0, 0, "bus traffic on close",
                        "none", h.device.trace().entries());
            }
        }
    }

    @Test
    @DisplayName("closing a slice closes only the slice; closing the window closes its slices")
    void slices() {
        for (BackendUnderTest h : kit().each()) {
            Width w = widths(h.rules).getFirst();
            IoAccessor s = h.accessor.slice(64, 64);
            s.close();
            if (!s.isClosed() || h.accessor.isClosed() || h.bus.isClosed()) {
                throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " slice(64, 64).close()", 64, 64,
                        "slice closed=" + s.isClosed() + ", window closed=" + h.accessor.isClosed() + ", bus closed=" + h.bus.isClosed(),
                        "only the slice closed", null);
            }
            for (Refusal r : everything(s, w)) {
                expectClosedRefusal(h, r);
            }
            roundTripAt(h, w, true, 64, 64, h.accessor);
            IoAccessor s2 = h.accessor.slice(128, 64);
            h.accessor.close();
            if (!s2.isClosed()) {
                throw ConformanceFailure.of(ConformanceRule.CLOSE, h.label + " close() of the window", 128, 64,
                        "its slice still open", "its slices closed too", null);
            }
            for (Refusal r : everything(s2, w)) {
                expectClosedRefusal(h, r);
            }
        }
    }
}
