package dev.iomem.testkit.conformance;

import dev.iomem.testkit.conformance.CopyTraceChecks.Operation;
import dev.iomem.testkit.reference.ReferenceCopyModel;
import dev.iomem.testkit.sim.TraceEntry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.iomem.testkit.conformance.CopyRuns.runAndCheckBytes;
import static dev.iomem.testkit.conformance.CopyRuns.runOnly;
import static dev.iomem.testkit.conformance.KitCases.copyCases;

/**
 * The checks of copies and fills, inherited by the {@code CopiesAndFills} class of
 * {@link ArchBackendConformance}: over every copy case each of {@code copyToIo},
 * {@code copyFromIo} and {@code fillIo} moves exactly the right bytes, keeps the trace invariants
 * of {@link CopyTraceChecks}, and, where {@link ReferenceCopyModel}
 * covers the rules, issues exactly the accesses of the architecture's kernel routine.
 */
abstract class CopyAndFillChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    private void bytes(Operation op) {
        for (BackendUnderTest h : kit().each()) {
            long seed = 11;
            for (long[] c : copyCases(h.rules, h.accessor.size())) {
                runAndCheckBytes(h, h.accessor, op, c[0], c[0], (int) c[1], seed++);
            }
        }
    }

    private void invariants(Operation op) {
        for (BackendUnderTest h : kit().each()) {
            long seed = 101;
            for (long[] c : copyCases(h.rules, h.accessor.size())) {
                List<TraceEntry> t = runOnly(h, h.accessor, op, c[0], (int) c[1], seed++);
                CopyTraceChecks.checkInvariants(h.rules, op, h.label + " " + op.method, c[0], c[1], t);
            }
        }
    }

    private void algorithm(Operation op) {
        boolean any = false;
        for (BackendUnderTest h : kit().each()) {
            if (!ReferenceCopyModel.covers(h.rules)) {
                continue;
            }
            any = true;
            long seed = 1001;
            for (long[] c : copyCases(h.rules, h.accessor.size())) {
                List<TraceEntry> t = runOnly(h, h.accessor, op, c[0], (int) c[1], seed++);
                CopyTraceChecks.checkAlgorithm(h.rules, op, h.label + " " + op.method, c[0], c[1], h.lastRamAddress, t);
            }
        }
        Assumptions.assumeTrue(any, "the rules skip a width below maxCopyWidth, so no kernel algorithm applies");
    }

    @Test
    @DisplayName("copyToIo writes exactly the source bytes into its range and nothing else")
    void copyToIoBytes() {
        bytes(Operation.COPY_TO_IO);
    }

    @Test
    @DisplayName("copyFromIo reads exactly the device bytes of its range and changes nothing")
    void copyFromIoBytes() {
        bytes(Operation.COPY_FROM_IO);
    }

    @Test
    @DisplayName("fillIo sets exactly its range to the value and nothing else")
    void fillIoBytes() {
        bytes(Operation.FILL_IO);
    }

    @Test
    @DisplayName("copyToIo touches every byte once, in ascending order, with allowed, aligned accesses within every limit")
    void copyToIoInvariants() {
        invariants(Operation.COPY_TO_IO);
    }

    @Test
    @DisplayName("copyFromIo touches every byte once, in ascending order, with allowed, aligned loads within every limit")
    void copyFromIoInvariants() {
        invariants(Operation.COPY_FROM_IO);
    }

    @Test
    @DisplayName("fillIo touches every byte once, in ascending order, with allowed, aligned accesses within every limit")
    void fillIoInvariants() {
        invariants(Operation.FILL_IO);
    }

    @Test
    @DisplayName("copyToIo issues exactly the accesses of the architecture's kernel memcpy_toio")
    void copyToIoAlgorithm() {
        algorithm(Operation.COPY_TO_IO);
    }

    @Test
    @DisplayName("copyFromIo issues exactly the accesses of the architecture's kernel memcpy_fromio")
    void copyFromIoAlgorithm() {
        algorithm(Operation.COPY_FROM_IO);
    }

    @Test
    @DisplayName("fillIo issues exactly the accesses of the architecture's kernel memset_io")
    void fillIoAlgorithm() {
        algorithm(Operation.FILL_IO);
    }
}
