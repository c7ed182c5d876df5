package dev.iomem.bench;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The floor of B1 for any accessor object: an interface whose one implementation holds the
 * segment in a field and does the raw opaque access with no check of its own. Against the raw
 * access it adds only what every API object adds: loading the object, the JIT's type guard of
 * the interface call, and loading the segment from it. Context for B1, not part of iomem.
 */
interface RegisterHolder {

    /** @param offset the register offset @return its value, one opaque load */
    int read32(long offset);

    /** @param offset the register offset @param value the value to store with one opaque store */
    void write32(long offset, int value);

    /** @param segment the memory @return a holder of it */
    static RegisterHolder of(MemorySegment segment) {
        return new Opaque(segment);
    }

    /** The only implementation. */
    final class Opaque implements RegisterHolder {
        private static final VarHandle INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
        private final MemorySegment segment;

        Opaque(MemorySegment segment) {
            this.segment = segment;
        }

        @Override
        public int read32(long offset) {
            return (int) INT.getOpaque(segment, offset);
        }

        @Override
        public void write32(long offset, int value) {
            INT.setOpaque(segment, offset, value);
        }
    }
}
