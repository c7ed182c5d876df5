package com.example.iomem.riscv64;

/**
 * The RV64 encodings of the few instructions the barrier stubs hold: {@code fence} and
 * {@code ret}.
 *
 * <p>Encodings after the RISC-V Unprivileged ISA manual, "FENCE" (RV32I base, memory ordering
 * instructions) and "JALR":
 * <pre>
 *   FENCE pred, succ   fm:4 | pred:4 | succ:4 | rs1:5 | funct3:3 = 000 | rd:5 | opcode:7 = 0001111
 *   RET                jalr x0, 0(x1) = imm 0 | rs1 00001 | 000 | rd 00000 | 1100111 = 0x00008067
 * </pre>
 * The predecessor and successor sets are bit sets: I (device input) = 8, O (device output) = 4,
 * R (memory reads) = 2, W (memory writes) = 1. A normal fence has {@code fm} = 0 and rs1 = rd = 0.
 * Which fence each MMIO accessor needs is the kernel's {@code arch/riscv/include/asm/mmio.h}
 * ({@code __io_ar} = {@code fence i,ir}, {@code __io_bw} = {@code fence w,o}) and
 * {@code asm/barrier.h} ({@code wmb()} = {@code fence ow,ow}).
 *
 * <p>RISC-V instructions are always stored little-endian (the ISA's instruction-fetch rule,
 * whatever the data endianness), so a stub's bytes are the little-endian bytes of its words.
 */
final class RiscvInstructions {

    /** Fence set bit "device input". */
    static final int I = 0b1000;
    /** Fence set bit "device output". */
    static final int O = 0b0100;
    /** Fence set bit "memory reads". */
    static final int R = 0b0010;
    /** Fence set bit "memory writes". */
    static final int W = 0b0001;

    /** The MISC-MEM major opcode of {@code fence}. */
    private static final int MISC_MEM = 0b0001111;

    /** {@code ret}: {@code jalr x0, 0(x1)}. */
    static final int RET = 0x00008067;
    /** {@code fence i,ir}: the kernel's {@code __io_ar}, after an ordered MMIO read. */
    static final int FENCE_I_IR = fence(I, I | R);
    /** {@code fence w,o}: the kernel's {@code __io_bw}, before an ordered MMIO write. */
    static final int FENCE_W_O = fence(W, O);
    /**
     * {@code fence ow,ow}: the kernel's {@code wmb()}, used for {@code flushWrites}; it contains
     * {@code mmiowb()}'s {@code fence o,w}.
     */
    static final int FENCE_OW_OW = fence(O | W, O | W);

    /** The length of one stub in bytes: one fence and one {@code ret}, 4 bytes each (no compressed forms). */
    static final int STUB_BYTES = 8;

    private RiscvInstructions() {
    }

    /**
     * {@return the encoding of {@code fence pred, succ}} ({@code fm} = 0, rs1 = rd = x0)
     *
     * @param pred the predecessor set, a combination of {@link #I}, {@link #O}, {@link #R}, {@link #W}
     * @param succ the successor set
     * @throws IllegalArgumentException if a set is outside 0..15 or empty (an empty set makes
     *                                  the fence a no-op, which is never what a barrier wants)
     */
    static int fence(int pred, int succ) {
        return set(pred, "predecessor") << 24 | set(succ, "successor") << 20 | MISC_MEM;
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

    private static int set(int bits, String which) {
        if (bits <= 0 || bits > 15) {
            throw new IllegalArgumentException("a fence " + which + " set is 4 bits (I=8, O=4, R=2, W=1), not empty; got " + bits);
        }
        return bits;
    }
}
