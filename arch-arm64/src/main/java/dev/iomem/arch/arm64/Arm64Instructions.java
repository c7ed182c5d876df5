package dev.iomem.arch.arm64;

/**
 * The A64 encodings of the few instructions iomem writes into its barrier stubs.
 *
 * <p>Encodings after the Arm Architecture Reference Manual (DDI 0487), "DMB", "DSB" and "RET":
 * <pre>
 *   DMB &lt;option&gt;  1101 0101 0000 0011 0011 CRm:4 1 01 11111   (0xD50330BF | CRm &lt;&lt; 8)
 *   DSB &lt;option&gt;  1101 0101 0000 0011 0011 CRm:4 1 00 11111   (0xD503309F | CRm &lt;&lt; 8)
 *   RET            1101 0110 0101 1111 0000 0011 1100 0000      (0xD65F03C0, RET X30)
 * </pre>
 * The barrier option lives in CRm: OSHLD 0001, OSHST 0010, OSH 0011, NSHLD 0101, NSHST 0110,
 * NSH 0111, ISHLD 1001, ISHST 1010, ISH 1011, LD 1101, ST 1110, SY 1111. Which barrier each
 * MMIO accessor needs is the kernel's {@code arch/arm64/include/asm/barrier.h} and
 * {@code asm/io.h}: {@code __io_ar} = {@code dma_rmb} = {@code dmb oshld}, {@code __io_bw} =
 * {@code dma_wmb} = {@code dmb oshst}, {@code wmb} = {@code dsb st}.
 *
 * <p>A64 instructions are always fetched little-endian, whatever the data endianness, so a stub's
 * bytes are the little-endian bytes of its instruction words.
 */
final class Arm64Instructions {

    /** Barrier option (CRm) "outer shareable, loads". */
    static final int OSHLD = 0b0001;
    /** Barrier option (CRm) "outer shareable, stores". */
    static final int OSHST = 0b0010;
    /** Barrier option (CRm) "outer shareable, all". */
    static final int OSH = 0b0011;
    /** Barrier option (CRm) "inner shareable, loads". */
    static final int ISHLD = 0b1001;
    /** Barrier option (CRm) "inner shareable, stores". */
    static final int ISHST = 0b1010;
    /** Barrier option (CRm) "inner shareable, all". */
    static final int ISH = 0b1011;
    /** Barrier option (CRm) "full system, stores". */
    static final int ST = 0b1110;
    /** Barrier option (CRm) "full system, all". */
    static final int SY = 0b1111;

    private static final int DMB_BASE = 0xD50330BF;
    private static final int DSB_BASE = 0xD503309F;

    /** {@code ret} (return to the address in X30). */
    static final int RET = 0xD65F03C0;
    /** {@code dmb oshld}: the kernel's {@code __io_ar}, after an ordered MMIO read. */
    static final int DMB_OSHLD = dmb(OSHLD);
    /** {@code dmb oshst}: the kernel's {@code __io_bw}, before an ordered MMIO write. */
    static final int DMB_OSHST = dmb(OSHST);
    /** {@code dsb st}: the kernel's {@code wmb()}, which makes earlier writes complete. */
    static final int DSB_ST = dsb(ST);

    /** The length of one stub in bytes: one barrier and one {@code ret}. */
    static final int STUB_BYTES = 8;

    private Arm64Instructions() {
    }

    /**
     * {@return the encoding of {@code dmb} with the given option}
     *
     * @param option the CRm field, 0 to 15
     * @throws IllegalArgumentException if {@code option} is outside 0..15
     */
    static int dmb(int option) {
        return DMB_BASE | crm(option) << 8;
    }

    /**
     * {@return the encoding of {@code dsb} with the given option}
     *
     * @param option the CRm field, 0 to 15
     * @throws IllegalArgumentException if {@code option} is outside 0..15
     */
    static int dsb(int option) {
        return DSB_BASE | crm(option) << 8;
    }

    /**
     * {@return the bytes of a stub that executes {@code instruction} and returns}: eight bytes,
     * the two instruction words in little-endian order
     *
     * @param instruction the instruction word to execute before {@code ret}
     */
    static byte[] stub(int instruction) {
        byte[] b = new byte[STUB_BYTES];
        putLittleEndian(b, 0, instruction);
        putLittleEndian(b, 4, RET);
        return b;
    }

    private static void putLittleEndian(byte[] b, int at, int word) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (word >>> (8 * i));
        }
    }

    private static int crm(int option) {
        if (option < 0 || option > 15) {
            throw new IllegalArgumentException("a barrier option is 4 bits (0..15), got " + option);
        }
        return option;
    }
}
