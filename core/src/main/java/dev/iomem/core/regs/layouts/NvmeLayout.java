package dev.iomem.core.regs.layouts;

import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterLayout;

import java.util.Map;

import static dev.iomem.api.regs.AccessKind.READ_ONLY;
import static dev.iomem.api.regs.AccessKind.READ_WRITE;
import static dev.iomem.api.regs.AccessKind.WRITE_1_TO_CLEAR;
import static dev.iomem.api.regs.AccessKind.WRITE_ONLY;

/**
 * The controller registers of an NVMe controller's BAR0 (NVM Express Base Specification, section
 * 3.1; SPDK {@code include/spdk/nvme_spec.h}): CAP, VS, INTMS, INTMC, CC, CSTS, AQA, ASQ, ACQ,
 * CMBLOC, CMBSZ, CMBMSC, and the doorbells from 0x1000: submission queue {@code y}'s tail doorbell
 * {@code SQTDBL[y]} at {@code 0x1000 + (2y) * (4 << CAP.DSTRD)} and completion queue {@code y}'s
 * head doorbell {@code CQHDBL[y]} at {@code 0x1000 + (2y + 1) * (4 << CAP.DSTRD)}.
 *
 * <p>The doorbell stride is the controller's, so the layout is made for a stride: read
 * {@code CAP.DSTRD} through {@link #CONTROLLER} first, then bind {@link #forStride(int, int)}.
 * INTMS (write 1 to set a mask bit) is declared read-write, since writing back the mask read only
 * sets bits already set; INTMC (write 1 to clear) is write-1-to-clear; CSTS is write-1-to-clear
 * for its NSSRO bit and otherwise read-only.
 */
public final class NvmeLayout {

    private NvmeLayout() {
    }

    /** The controller registers without doorbells, named {@code "nvme"}. */
    public static final RegisterLayout CONTROLLER = builder(0, 0).build();

    /**
     * {@return the controller registers and the doorbells of {@code queuePairs} queue pairs
     * (admin queue first) at the stride {@code 4 << dstrd}}
     *
     * @param dstrd      the controller's {@code CAP.DSTRD}, 0 to 15
     * @param queuePairs the number of doorbell pairs to declare, 1 to 65536
     * @throws InvalidLayoutException if {@code dstrd} or {@code queuePairs} is out of range
     */
    public static RegisterLayout forStride(int dstrd, int queuePairs) {
        if (dstrd < 0 || dstrd > 15) {
            throw new InvalidLayoutException("nvme: CAP.DSTRD is 4 bits, got " + dstrd);
        }
        if (queuePairs < 1 || queuePairs > 65536) {
            throw new InvalidLayoutException("nvme: queue pairs must be 1 to 65536, got " + queuePairs);
        }
        return builder(dstrd, queuePairs).build();
    }

    private static RegisterLayout.Builder builder(int dstrd, int queuePairs) {
        RegisterLayout.Builder b = RegisterLayout.builder("nvme")
                .register("CAP", 0x00, 64, READ_ONLY, f -> f
                        .field("MQES", 0, 16)
                        .flag("CQR", 16)
                        .field("AMS", 17, 2)
                        .field("TO", 24, 8)
                        .field("DSTRD", 32, 4)
                        .flag("NSSRS", 36)
                        .field("CSS", 37, 8)
                        .flag("BPS", 45)
                        .field("MPSMIN", 48, 4)
                        .field("MPSMAX", 52, 4)
                        .flag("PMRS", 56)
                        .flag("CMBS", 57))
                .register("VS", 0x08, 32, READ_ONLY, f -> f
                        .field("TER", 0, 8)
                        .field("MNR", 8, 8)
                        .field("MJR", 16, 16))
                .register("INTMS", 0x0c, 32, READ_WRITE)
                .register("INTMC", 0x10, 32, WRITE_1_TO_CLEAR)
                .register("CC", 0x14, 32, READ_WRITE, f -> f
                        .flag("EN", 0)
                        .field("CSS", 4, 3, Map.of(0L, "nvm", 6L, "io-command-sets", 7L, "admin-only"))
                        .field("MPS", 7, 4)
                        .field("AMS", 11, 3, Map.of(0L, "round-robin", 1L, "weighted-round-robin", 7L, "vendor"))
                        .field("SHN", 14, 2, Map.of(0L, "none", 1L, "normal", 2L, "abrupt"))
                        .field("IOSQES", 16, 4)
                        .field("IOCQES", 20, 4)
                        .flag("CRIME", 24))
                .register("CSTS", 0x1c, 32, WRITE_1_TO_CLEAR, f -> f
                        .flag("RDY", 0)
                        .flag("CFS", 1)
                        .field("SHST", 2, 2, Map.of(0L, "normal", 1L, "occurring", 2L, "complete"))
                        .flag("NSSRO", 4)
                        .flag("PP", 5)
                        .flag("ST", 6))
                .register("AQA", 0x24, 32, READ_WRITE, f -> f
                        .field("ASQS", 0, 12)
                        .field("ACQS", 16, 12))
                .register("ASQ", 0x28, 64, READ_WRITE, f -> f.field("ASQB", 12, 52))
                .register("ACQ", 0x30, 64, READ_WRITE, f -> f.field("ACQB", 12, 52))
                .register("CMBLOC", 0x38, 32, READ_ONLY, f -> f
                        .field("BIR", 0, 3)
                        .flag("CQMMS", 3)
                        .flag("CQPDS", 4)
                        .flag("CDPMLS", 5)
                        .flag("CDPCILS", 6)
                        .flag("CDMMMS", 7)
                        .flag("CQDA", 8)
                        .field("OFST", 12, 20))
                .register("CMBSZ", 0x3c, 32, READ_ONLY, f -> f
                        .flag("SQS", 0)
                        .flag("CQS", 1)
                        .flag("LISTS", 2)
                        .flag("RDS", 3)
                        .flag("WDS", 4)
                        .field("SZU", 8, 4, Map.of(0L, "4KiB", 1L, "64KiB", 2L, "1MiB", 3L, "16MiB",
                                4L, "256MiB", 5L, "4GiB", 6L, "64GiB"))
                        .field("SZ", 12, 20))
                .register("CMBMSC", 0x50, 64, READ_WRITE, f -> f
                        .flag("CRE", 0)
                        .flag("CMSE", 1)
                        .field("CBA", 12, 52));
        if (queuePairs > 0) {
            long stride = 4L << dstrd;
            b.array("SQTDBL", 0x1000, 32, WRITE_ONLY, queuePairs, 2 * stride,
                    f -> f.field("SQT", 0, 16));
            b.array("CQHDBL", 0x1000 + stride, 32, WRITE_ONLY, queuePairs, 2 * stride,
                    f -> f.field("CQH", 0, 16));
        }
        return b;
    }
}
