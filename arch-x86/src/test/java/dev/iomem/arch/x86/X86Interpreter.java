package dev.iomem.arch.x86;

import java.util.HexFormat;

/**
 * An interpreter of the few x86-64 instruction forms the copy routines use, over a model
 * memory: enough to run {@link X86CopyRoutines}' bytes and see every memory access they make,
 * with its address and width, one per {@code mov}. Any other instruction (SIMD, string moves,
 * 8-bit high registers, RIP-relative operands, long jumps...) throws {@link Unsupported}, so a
 * routine that uses one fails its test rather than being half-modelled.
 *
 * <p>Modelled: prefixes {@code 66} and REX; {@code 01} add, {@code 85} test, {@code 88}/{@code 89}
 * mov to r/m, {@code 8b} mov from r/m, {@code 0f b6}/{@code 0f b7} movzx, {@code 69} imul imm32,
 * {@code 83 /0 /4 /5 /7} add/and/sub/cmp imm8, {@code f6 /0} test imm8, {@code f7 /3} neg,
 * {@code 74}/{@code 75}/{@code 76} je/jne/jbe rel8, {@code c3} ret; ModRM with SIB and
 * 8/32-bit displacements. Flags ZF, CF, SF, OF as the SDM defines them for these instructions;
 * after {@code imul} ZF and SF are undefined, and a branch on them fails.
 */
final class X86Interpreter {

    /** Register numbers. */
    static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;

    /** The memory the code runs against. */
    interface Memory {
        /** {@return the little-endian value of {@code bytes} bytes at {@code address}, zero-extended} */
        long load(long address, int bytes);

        /** Stores the low {@code bytes} bytes of {@code value} little-endian at {@code address}. */
        void store(long address, int bytes, long value);
    }

    /** An instruction outside the modelled set, or code misbehaving (running off its end, not returning). */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    final long[] reg = new long[16];
    private boolean zf, cf, sf, of, flagsDefined;

    private byte[] code;
    private int pc;
    private int rex;

    /**
     * Runs {@code code} from offset 0 until its {@code ret}.
     *
     * @param code     the instruction bytes
     * @param memory   the memory
     * @param maxSteps a bound on instructions executed
     * @throws Unsupported if an instruction is outside the modelled set, or the code runs off its
     *                     end or does not return within {@code maxSteps}
     */
    void run(byte[] code, Memory memory, int maxSteps) {
        this.code = code;
        this.pc = 0;
        flagsDefined = false;
        for (int step = 0; step < maxSteps; step++) {
            int start = pc;
            boolean opsize16 = false;
            rex = 0;
            int b = next();
            if (b == 0x66) {
                opsize16 = true;
                b = next();
            }
            if ((b & 0xf0) == 0x40) {
                rex = b;
                b = next();
            }
            boolean w = (rex & 8) != 0;
            int size = w ? 8 : opsize16 ? 2 : 4;
            switch (b) {
                case 0xc3 -> {
                    requireNoPrefix(start, opsize16);
                    return;
                }
                case 0x01 -> { // add r/m, r
                    Operand rm = modrm();
                    long a = read(rm, size, memory);
                    long r = reg[rm.regField] & mask(size);
                    long res = a + r;
                    setAddFlags(a, r, res, size);
                    write(rm, size, res, memory);
                }
                case 0x85 -> { // test r/m, r
                    Operand rm = modrm();
                    setLogicFlags(read(rm, size, memory) & reg[rm.regField], size);
                }
                case 0x88 -> { // mov r/m8, r8
                    requireNoPrefix(start, opsize16);
                    Operand rm = modrm();
                    write(rm, 1, reg8(rm.regField), memory);
                }
                case 0x89 -> { // mov r/m, r
                    Operand rm = modrm();
                    write(rm, size, reg[rm.regField], memory);
                }
                case 0x8b -> { // mov r, r/m
                    Operand rm = modrm();
                    setReg(rm.regField, size, read(rm, size, memory));
                }
                case 0x0f -> {
                    int b2 = next();
                    if (opsize16 || w || (b2 != 0xb6 && b2 != 0xb7)) {
                        throw unsupported(start);
                    }
                    Operand rm = modrm(); // movzbl / movzwl into a 32-bit register
                    setReg(rm.regField, 4, read(rm, b2 == 0xb6 ? 1 : 2, memory));
                }
                case 0x69 -> { // imul r, r/m, imm32
                    if (size != 4) {
                        throw unsupported(start);
                    }
                    Operand rm = modrm();
                    long imm = imm32();
                    long full = (long) (int) read(rm, 4, memory) * imm;
                    setReg(rm.regField, 4, full);
                    cf = of = full != (int) full;
                    flagsDefined = false; // ZF, SF undefined after imul
                }
                case 0x83 -> {
                    Operand rm = modrm();
                    long imm = (byte) next() & mask(size);
                    long a = read(rm, size, memory);
                    switch (rm.regField & 7) {
                        case 0 -> { long res = a + imm; setAddFlags(a, imm, res, size); write(rm, size, res, memory); }
                        case 4 -> { long res = a & imm; setLogicFlags(res, size); write(rm, size, res, memory); }
                        case 5 -> { long res = a - imm; setSubFlags(a, imm, res, size); write(rm, size, res, memory); }
                        case 7 -> setSubFlags(a, imm, a - imm, size);
                        default -> throw unsupported(start);
                    }
                }
                case 0xf6 -> { // test r/m8, imm8
                    Operand rm = modrm();
                    if ((rm.regField & 7) != 0 || opsize16) {
                        throw unsupported(start);
                    }
                    long v = read(rm, 1, memory);
                    setLogicFlags(v & next(), 1);
                }
                case 0xf7 -> { // neg r/m
                    Operand rm = modrm();
                    if ((rm.regField & 7) != 3) {
                        throw unsupported(start);
                    }
                    long a = read(rm, size, memory);
                    long res = -a;
                    setSubFlags(0, a, res, size);
                    cf = (a & mask(size)) != 0;
                    write(rm, size, res, memory);
                }
                case 0x74, 0x75, 0x76 -> {
                    requireNoPrefix(start, opsize16);
                    int rel = (byte) next();
                    if (!flagsDefined) {
                        throw new Unsupported("branch on undefined flags at 0x" + Integer.toHexString(start));
                    }
                    boolean taken = switch (b) {
                        case 0x74 -> zf;
                        case 0x75 -> !zf;
                        default -> cf || zf;
                    };
                    if (taken) {
                        pc += rel;
                    }
                }
                default -> throw unsupported(start);
            }
        }
        throw new Unsupported("no return within " + maxSteps + " instructions");
    }

    private void requireNoPrefix(int start, boolean opsize16) {
        if (opsize16 || rex != 0) {
            throw unsupported(start);
        }
    }

    private Unsupported unsupported(int start) {
        int end = Math.min(code.length, start + 8);
        return new Unsupported("unsupported instruction at 0x" + Integer.toHexString(start) + ": "
                + HexFormat.ofDelimiter(" ").formatHex(code, start, end) + "...");
    }

    private int next() {
        if (pc < 0 || pc >= code.length) {
            throw new Unsupported("execution left the code at 0x" + Integer.toHexString(pc));
        }
        return code[pc++] & 0xff;
    }

    private long imm32() {
        long v = next() | next() << 8 | next() << 16 | (long) next() << 24;
        return (int) v;
    }

    /** A decoded ModRM operand: a register, or a memory address. */
    private record Operand(int regField, boolean isReg, int rmReg, long address) {
    }

    private Operand modrm() {
        int m = next();
        int mod = m >>> 6;
        int regField = ((m >>> 3) & 7) | ((rex & 4) << 1);
        int rm = m & 7;
        if (mod == 3) {
            return new Operand(regField, true, rm | ((rex & 1) << 3), 0);
        }
        long address;
        if (rm == 4) {
            int sib = next();
            int scale = 1 << (sib >>> 6);
            int index = ((sib >>> 3) & 7) | ((rex & 2) << 2);
            int base = (sib & 7) | ((rex & 1) << 3);
            if ((sib & 7) == 5 && mod == 0) {
                throw new Unsupported("SIB without a base at 0x" + Integer.toHexString(pc));
            }
            address = reg[base] + (index == RSP ? 0 : reg[index] * scale);
        } else if (rm == 5 && mod == 0) {
            throw new Unsupported("RIP-relative operand at 0x" + Integer.toHexString(pc));
        } else {
            address = reg[rm | ((rex & 1) << 3)];
        }
        if (mod == 1) {
            address += (byte) next();
        } else if (mod == 2) {
            address += imm32();
        }
        return new Operand(regField, false, -1, address);
    }

    private long read(Operand o, int size, Memory memory) {
        if (!o.isReg) {
            return memory.load(o.address, size) & mask(size);
        }
        return size == 1 ? reg8(o.rmReg) : reg[o.rmReg] & mask(size);
    }

    private void write(Operand o, int size, long value, Memory memory) {
        if (!o.isReg) {
            memory.store(o.address, size, value & mask(size));
        } else if (size == 1) {
            setReg8(o.rmReg, value);
        } else {
            setReg(o.rmReg, size, value);
        }
    }

    /** 8-bit register: without REX, 4..7 are AH..BH, which the routines never use. */
    private long reg8(int r) {
        if (r >= 4 && r < 8 && rex == 0) {
            throw new Unsupported("high-byte register at 0x" + Integer.toHexString(pc));
        }
        return reg[r] & 0xff;
    }

    private void setReg8(int r, long v) {
        reg8(r);
        reg[r] = (reg[r] & ~0xffL) | (v & 0xff);
    }

    /** A 32-bit write zero-extends to 64 bits; a 16-bit write keeps the upper bits (SDM 3.4.1.1). */
    private void setReg(int r, int size, long v) {
        reg[r] = switch (size) {
            case 8 -> v;
            case 4 -> v & 0xffff_ffffL;
            case 2 -> (reg[r] & ~0xffffL) | (v & 0xffff);
            default -> throw new IllegalArgumentException("size " + size);
        };
    }

    private static long mask(int size) {
        return size == 8 ? -1L : (1L << (size * 8)) - 1;
    }

    private static long signBit(int size) {
        return 1L << (size * 8 - 1);
    }

    private void setResultFlags(long res, int size) {
        zf = (res & mask(size)) == 0;
        sf = (res & signBit(size)) != 0;
        flagsDefined = true;
    }

    private void setAddFlags(long a, long b, long res, int size) {
        long m = mask(size);
        setResultFlags(res, size);
        cf = Long.compareUnsigned(res & m, a & m) < 0;
        of = ((a ^ res) & (b ^ res) & signBit(size)) != 0;
    }

    private void setSubFlags(long a, long b, long res, int size) {
        long m = mask(size);
        setResultFlags(res, size);
        cf = Long.compareUnsigned(a & m, b & m) < 0;
        of = ((a ^ b) & (a ^ res) & signBit(size)) != 0;
    }

    private void setLogicFlags(long res, int size) {
        setResultFlags(res, size);
        cf = false;
        of = false;
    }
}
