package dev.iomem.arch.x86;

import dev.iomem.api.AccessRules;
import dev.iomem.api.MemoryType;
import dev.iomem.core.access.CopyPlanner;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The key check of the native copy routines: their bytes, run in {@link X86Interpreter} against
 * a model memory, issue exactly {@link CopyPlanner}'s plan for the x86 rules (address, width,
 * load or store, order) for every device offset mod 16 and every length 0..300, move the right
 * bytes, touch nothing outside the window or the RAM buffer, and keep the callee-saved registers.
 */
@DisplayName("The x86-64 copy routines' machine code, interpreted")
class X86CopyRoutinesInterpretedTest {

    private static final AccessRules RULES = new X86Backend().rules(MemoryType.DEVICE);
    private static final long IO_BASE = 0x7f3a_1234_0000L;   // page aligned, as a mapping is
    private static final long RAM_BASE = 0x5555_0000_1000L;
    private static final int GUARD = 32;
    private static final int MAX = 300;
    private static final int SPAN = GUARD + 16 + MAX + GUARD;
    private static final int[] CALLEE_SAVED = {X86Interpreter.RBX, X86Interpreter.RSP, X86Interpreter.RBP, 12, 13, 14, 15};

    /** Which routine. */
    enum Op {
        TO_IO(X86CopyRoutines.TO_IO, true),
        FROM_IO(X86CopyRoutines.FROM_IO, false),
        FILL_IO(X86CopyRoutines.FILL_IO, true);

        final byte[] code;
        final boolean store;

        Op(byte[] code, boolean store) {
            this.code = code;
            this.store = store;
        }
    }

    /** One memory access seen by the model memory. */
    record Access(long address, int bytes, boolean store) {
        @Override
        public String toString() {
            return (store ? "store" : "load") + bytes + "@0x" + Long.toHexString(address);
        }
    }

    /** Two regions, each a byte array; every access is recorded, and one outside both fails. */
    static final class ModelMemory implements X86Interpreter.Memory {
        final byte[] io = new byte[SPAN];
        final byte[] ram = new byte[SPAN];
        final List<Access> ioAccesses = new ArrayList<>();
        final List<Access> ramAccesses = new ArrayList<>();

        private int index(long address, int bytes, boolean store) {
            if (address >= IO_BASE && address + bytes <= IO_BASE + SPAN) {
                ioAccesses.add(new Access(address, bytes, store));
                return (int) (address - IO_BASE);
            }
            if (address >= RAM_BASE && address + bytes <= RAM_BASE + SPAN) {
                ramAccesses.add(new Access(address, bytes, store));
                return (int) (address - RAM_BASE) | 1 << 30;
            }
            throw new AssertionError("access outside both regions: " + new Access(address, bytes, store));
        }

        @Override
        public long load(long address, int bytes) {
            int i = index(address, bytes, false);
            byte[] a = (i & 1 << 30) != 0 ? ram : io;
            i &= ~(1 << 30);
            long v = 0;
            for (int k = bytes - 1; k >= 0; k--) {
                v = v << 8 | (a[i + k] & 0xff);
            }
            return v;
        }

        @Override
        public void store(long address, int bytes, long value) {
            int i = index(address, bytes, true);
            byte[] a = (i & 1 << 30) != 0 ? ram : io;
            i &= ~(1 << 30);
            for (int k = 0; k < bytes; k++) {
                a[i + k] = (byte) (value >>> (8 * k));
            }
        }
    }

    private static byte pattern(int i, int salt) {
        return (byte) (i * 29 + salt * 7 + 3);
    }

    /**
     * Runs {@code code} as routine {@code op} for every device offset 0..15 and length 0..300
     * (the RAM side at varying alignment) and returns what deviated, at most a few items.
     */
    static List<String> deviations(Op op, byte[] code) {
        List<String> bad = new ArrayList<>();
        for (int off = 0; off < 16 && bad.size() < 5; off++) {
            for (int n = 0; n <= MAX && bad.size() < 5; n++) {
                String d = deviation(op, code, off, n);
                if (d != null) {
                    bad.add(op + " off " + off + " n " + n + ": " + d);
                }
            }
        }
        return bad;
    }

    private static String deviation(Op op, byte[] code, int off, int n) {
        ModelMemory mem = new ModelMemory();
        for (int i = 0; i < SPAN; i++) {
            mem.io[i] = pattern(i, 1);
            mem.ram[i] = pattern(i, 2);
        }
        byte[] ioBefore = mem.io.clone();
        byte[] ramBefore = mem.ram.clone();
        int ramOff = GUARD + ((off * 5 + n) & 7);
        byte value = (byte) (0x80 | (n * 13));

        X86Interpreter cpu = new X86Interpreter();
        for (int r = 0; r < 16; r++) {
            cpu.reg[r] = 0x0bad_0000_0000_0000L | (long) r << 40 | n;   // garbage in every register
        }
        long ioOffset = GUARD + off;
        cpu.reg[X86Interpreter.RDI] = IO_BASE;
        cpu.reg[X86Interpreter.RSI] = ioOffset;
        // The fill byte arrives in dl; the ABI leaves the upper bits unspecified: make them garbage.
        cpu.reg[X86Interpreter.RDX] = op == Op.FILL_IO ? 0xdead_beef_ca00_0000L | (value & 0xff) : RAM_BASE + ramOff;
        cpu.reg[X86Interpreter.RCX] = n;
        long[] before = cpu.reg.clone();
        try {
            cpu.run(code, mem, 10_000);
        } catch (X86Interpreter.Unsupported e) {
            return e.getMessage();
        } catch (AssertionError e) {
            return e.getMessage();
        }

        List<Access> planned = new ArrayList<>();
        CopyPlanner.plan(RULES, ioOffset, 0, n, op.store, (io, raw, bytes, block) -> {
            assertThat(block).isFalse();
            planned.add(new Access(IO_BASE + io, bytes, op.store));
        });
        if (!mem.ioAccesses.equals(planned)) {
            return "device accesses " + mem.ioAccesses + " but the plan is " + planned;
        }
        for (Access a : mem.ramAccesses) {
            if (a.address < RAM_BASE + ramOff || a.address + a.bytes > RAM_BASE + ramOff + n || a.store == op.store) {
                return "RAM access " + a + " outside [0x" + Long.toHexString(RAM_BASE + ramOff) + ", +" + n + ") or of the wrong kind";
            }
        }
        if (op == Op.FILL_IO && !mem.ramAccesses.isEmpty()) {
            return "fill touched RAM: " + mem.ramAccesses;
        }
        byte[] ioWant = ioBefore.clone();
        byte[] ramWant = ramBefore.clone();
        switch (op) {
            case TO_IO -> System.arraycopy(ramBefore, ramOff, ioWant, (int) ioOffset, n);
            case FROM_IO -> System.arraycopy(ioBefore, (int) ioOffset, ramWant, ramOff, n);
            case FILL_IO -> Arrays.fill(ioWant, (int) ioOffset, (int) ioOffset + n, value);
        }
        if (!Arrays.equals(mem.io, ioWant)) {
            return "device bytes differ at " + Arrays.mismatch(mem.io, ioWant);
        }
        if (!Arrays.equals(mem.ram, ramWant)) {
            return "RAM bytes differ at " + Arrays.mismatch(mem.ram, ramWant);
        }
        for (int r : CALLEE_SAVED) {
            if (cpu.reg[r] != before[r]) {
                return "callee-saved register " + r + " changed";
            }
        }
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Op.class)
    @DisplayName("issues exactly CopyPlanner's x86 plan, moves the right bytes and touches nothing else, for every offset mod 16 and length 0..300")
    void issuesThePlan(Op op) {
        assertThat(deviations(op, op.code)).isEmpty();
    }

    @Test
    @DisplayName("an 18-byte copy to odd address 1 is byte, word, three dwords, word, byte, as the kernel's memcpy_toio does it")
    void handCheckedExample() {
        ModelMemory mem = new ModelMemory();
        X86Interpreter cpu = new X86Interpreter();
        cpu.reg[X86Interpreter.RDI] = IO_BASE;
        cpu.reg[X86Interpreter.RSI] = GUARD + 1;
        cpu.reg[X86Interpreter.RDX] = RAM_BASE + GUARD;
        cpu.reg[X86Interpreter.RCX] = 18;
        cpu.run(X86CopyRoutines.TO_IO, mem, 1000);
        long at = IO_BASE + GUARD;
        assertThat(mem.ioAccesses).containsExactly(new Access(at + 1, 1, true), new Access(at + 2, 2, true),
                new Access(at + 4, 4, true), new Access(at + 8, 4, true), new Access(at + 12, 4, true),
                new Access(at + 16, 2, true), new Access(at + 18, 1, true));
    }

    /**
     * {@code to_io} altered to move the body 8 bytes at a time (then one 4-byte access if
     * {@code n & 4}): it copies the right bytes, so only the access check can catch it. Assembled
     * with GNU as 2.40 from the listing of {@link X86CopyRoutines#TO_IO_LISTING} with the body
     * loop's {@code mov %esi} made {@code mov %rsi}, {@code and $-8}, {@code add $8}.
     */
    private static final byte[] TO_IO_WITH_8_BYTE_BODY = HexFormat.of().parseHex(
            "4801f74885c97501c340f6c70174110fb60288074883c7014883c2014883e9014883f901761840f6c702"
            + "74120fb7026689074883c7024883c2024883e9024889c84883e0f874174801c74801c248f7d8488b3402"
            + "488934074883c00875f2f6c104740c8b3289374883c7044883c204f6c102740e0fb7026689074883c702"
            + "4883c202f6c10174050fb6028807c3");

    @Test
    @DisplayName("catches an altered routine: an 8-byte body that copies the right bytes, an inverted branch, a rep movsl")
    void catchesAlterations() {
        assertThat(deviations(Op.TO_IO, TO_IO_WITH_8_BYTE_BODY)).isNotEmpty()
                .anyMatch(d -> d.contains("store8@"));

        byte[] inverted = X86CopyRoutines.TO_IO.clone();
        assertThat(inverted[0x0c]).isEqualTo((byte) 0x74);   // je 0x1f after test $0x1,%dil
        inverted[0x0c] = 0x75;
        assertThat(deviations(Op.TO_IO, inverted)).isNotEmpty();

        byte[] fillWithStringStore = X86CopyRoutines.FILL_IO.clone();
        fillWithStringStore[0x47] = (byte) 0xf3;              // rep stos in place of the body store
        fillWithStringStore[0x48] = (byte) 0xab;
        assertThat(deviations(Op.FILL_IO, fillWithStringStore)).isNotEmpty()
                .anyMatch(d -> d.contains("unsupported instruction"));

        assertThatThrownBy(() -> new X86Interpreter().run(HexFormat.of().parseHex("c5fe6f06c3"), new ModelMemory(), 10))
                .as("vmovdqu (%rsi),%ymm0").isInstanceOf(X86Interpreter.Unsupported.class);
        assertThatThrownBy(() -> new X86Interpreter().run(HexFormat.of().parseHex("f3a5c3"), new ModelMemory(), 10))
                .as("rep movsl").isInstanceOf(X86Interpreter.Unsupported.class);
    }
}
