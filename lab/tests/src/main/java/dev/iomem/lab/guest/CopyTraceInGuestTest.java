package dev.iomem.lab.guest;

import dev.iomem.core.Iomem;
import dev.iomem.spi.ArchBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Copies and fills over the NVMe controller's CMB through the native backend: every device
 * offset mod 16, lengths from 0 to past 300, and ranges across 4 KiB. The data must round-trip;
 * each step is marked and logged, and the host compares QEMU's trace of it, access for access,
 * with what {@code iomem trace} predicts for this backend ({@code HostChecks}).
 *
 * <p>On s390x the device sees what the kernel's {@code zpci_memcpy_toio/fromio} make of each
 * system call. QEMU refuses the unaligned PCI loads and stores the kernel issues for copies
 * that start off an 8-byte boundary (LAB-FACTS pitfall 10): those steps fault with ENXIO here,
 * and the host checks that the model of the kernel predicts exactly that. QEMU also reverses
 * the bytes of each doubleword of a PCI STORE BLOCK (pitfall 11, a QEMU defect): the expected
 * read-back reverses the doublewords that the backend's plan stores as blocks.
 */
@DisplayName("Copies and fills over the NVMe CMB")
class CopyTraceInGuestTest {

    static final int[] LENGTHS = IntStream.concat(IntStream.rangeClosed(0, 24),
            IntStream.of(31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 200, 255, 256, 257, 300, 313)).toArray();

    static TracedOps ops;

    @BeforeAll
    static void open() {
        ops = new TracedOps("ops.tsv", 1);
    }

    @AfterAll
    static void close() {
        ops.close();
    }

    @TestFactory
    @DisplayName("round-trip at every offset mod 16, lengths 0 to 313")
    Stream<DynamicTest> everyOffsetModSixteen() {
        return IntStream.range(0, 16).mapToObj(off -> DynamicTest.dynamicTest("offset " + off, () -> {
            for (int len : LENGTHS) {
                check(new CopyRoundTrip(ops, 0x2000 + off, len).run());
            }
        }));
    }

    @TestFactory
    @DisplayName("round-trip across a 4 KiB boundary")
    Stream<DynamicTest> acrossFourKib() {
        List<DynamicTest> tests = new ArrayList<>();
        for (int before : new int[] {1, 2, 3, 5, 8, 13, 16}) {
            for (int len : new int[] {9, 40, 300}) {
                long off = 0x5000 - before;
                tests.add(DynamicTest.dynamicTest(len + " bytes at 0x" + Long.toHexString(off), () -> check(new CopyRoundTrip(ops, off, len).run())));
            }
        }
        tests.add(DynamicTest.dynamicTest("10000 bytes at 0x8ffd, across three pages", () -> check(new CopyRoundTrip(ops, 0x8ffd, 10000).run())));
        return tests.stream();
    }

    private static void check(CopyRoundTrip.Result r) {
        if (!LabGuest.arch().equals("s390x")) {
            assertThat(r.outcomes()).as("every step reaches the device").isEqualTo("ok,ok,ok,ok");
        }
        if (!r.completed()) {
            return; // s390x under QEMU: the host checks that the kernel's model predicts the fault
        }
        assertThat(r.readBack()).as("copy-to-io then copy-from-io").isEqualTo(expectedReadBack(r));
        assertThat(r.filledBack()).as("fill then copy-from-io").isEqualTo(expectedFill(r));
    }

    /** What the device holds after copy-to-io: the source, but with QEMU's block-store defect on s390x. */
    private static byte[] expectedReadBack(CopyRoundTrip.Result r) {
        if (!LabGuest.arch().equals("s390x")) {
            return r.written();
        }
        ArchBackend backend = Iomem.platform().backend();
        return QemuBlockStores.asStored(backend, r.offset(), r.written());
    }

    /** A fill of one repeated byte reads back the same, reversed or not. */
    private static byte[] expectedFill(CopyRoundTrip.Result r) {
        return CopyRoundTrip.repeat(r.fill(), r.written().length);
    }
}
