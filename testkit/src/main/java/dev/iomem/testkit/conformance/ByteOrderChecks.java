package dev.iomem.testkit.conformance;

import dev.iomem.api.AccessRules;
import dev.iomem.api.MemoryType;
import dev.iomem.api.Width;
import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.Arrays;

import static dev.iomem.testkit.conformance.KitCases.widths;
import static dev.iomem.testkit.conformance.KitExpectations.hex;

/**
 * The check of the device byte order, inherited by the {@code DeviceByteOrder} class of
 * {@link ArchBackendConformance}: device values are little-endian whether the rules say the CPU is
 * little- or big-endian.
 */
abstract class ByteOrderChecks {

    /** {@return the kit whose backend, memory types and window size the checks use} */
    abstract ArchBackendConformance kit();

    @Test
    @DisplayName("device values are little-endian whether the rules say the CPU is little- or big-endian")
    void littleEndianWhateverTheCpu() {
        ArchBackend b = kit().backend();
        for (MemoryType t : kit().memoryTypes()) {
            for (ByteOrder order : new ByteOrder[]{ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                AccessRules rules = b.rules(t).toBuilder().cpuByteOrder(order).build();
                BackendUnderTest h;
                try {
                    h = BackendUnderTest.open(b, rules, kit().windowSize(), "with a " + order + " CPU");
                } catch (ConformanceFailure f) {
                    // A backend may refuse rules that are not its own; its own order is checked everywhere else.
                    if (order != b.rules(t).cpuByteOrder() && f.getCause() instanceof IllegalArgumentException) {
                        continue;
                    }
                    throw f;
                }
                byte[] bytes = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, (byte) 0x88};
                for (Width w : widths(rules)) {
                    long off = 128;
                    h.bus.poke(off, bytes);
                    long want = 0;
                    for (int i = w.bytes() - 1; i >= 0; i--) {
                        want = (want << 8) | (bytes[i] & 0xFF);
                    }
                    long got = h.runValue(ScalarAccess.name(w, true, false), off, w.bytes(), () -> ScalarAccess.read(h.accessor, w, true, off));
                    if (got != want) {
                        throw ConformanceFailure.of(ConformanceRule.DEVICE_BYTE_ORDER, h.label + " " + ScalarAccess.name(w, true, false),
                                off, w.bytes(), hex(got) + " from device bytes " + ScalarAccess.hex(Arrays.copyOf(bytes, w.bytes())),
                                hex(want), h.device.trace().entries());
                    }
                    long v = ScalarAccess.pattern(w, 5);
                    h.run(ScalarAccess.name(w, true, true), off, w.bytes(), () -> ScalarAccess.write(h.accessor, w, true, off, v));
                    byte[] seen = h.bus.peek(off, w.bytes());
                    if (!Arrays.equals(seen, ScalarAccess.littleEndian(v, w.bytes()))) {
                        throw ConformanceFailure.of(ConformanceRule.DEVICE_BYTE_ORDER, h.label + " " + ScalarAccess.name(w, true, true) + "(" + hex(v) + ")",
                                off, w.bytes(), "device bytes " + ScalarAccess.hex(seen),
                                ScalarAccess.hex(ScalarAccess.littleEndian(v, w.bytes())), h.device.trace().entries());
                    }
                }
            }
        }
    }
}
