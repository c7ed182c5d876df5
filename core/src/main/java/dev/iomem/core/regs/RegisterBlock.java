package dev.iomem.core.regs;

import dev.iomem.api.AccessRules;
import dev.iomem.api.IoAccessException;
import dev.iomem.api.IoAccessor;
import dev.iomem.api.Width;
import dev.iomem.api.regs.AccessKind;
import dev.iomem.api.regs.FieldSpec;
import dev.iomem.api.regs.InvalidLayoutException;
import dev.iomem.api.regs.RegisterLayout;
import dev.iomem.api.regs.RegisterSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link RegisterLayout} bound to one window ({@link IoAccessor}, or a slice of one). Binding
 * checks every register once against the window and its {@link AccessRules}; the handles it gives
 * out ({@link #register(String)}, {@link #array(String)}) then access the device directly.
 *
 * <pre>{@code
 * RegisterBlock nvme = RegisterBlock.bind(NvmeLayout.forStride(0, 1), bar);
 * Field enable = nvme.register("CC").field("EN");
 * enable.update(1);                       // one readl, one writel
 * }</pre>
 */
public final class RegisterBlock {

    private final RegisterLayout layout;
    private final IoAccessor io;
    private final Map<String, BoundRegister> registers = new LinkedHashMap<>();
    /** The handles given out: each of {@link #registers} with a class of its own where it can. */
    private final Map<String, Register> handles = new LinkedHashMap<>();
    private final Map<String, RegisterArray> arrays = new LinkedHashMap<>();

    private RegisterBlock(RegisterLayout layout, IoAccessor io) {
        this.layout = layout;
        this.io = io;
        // Relaxed reads of registers skip the accessor's per-access checks where its own fast path
        // is one plain access of a mapped window: bind has checked them once.
        java.lang.foreign.MemorySegment direct = io instanceof dev.iomem.core.access.RuleDrivenAccessor r
                ? r.relaxedReadWindow() : null;
        for (RegisterSpec r : layout.registers()) {
            if (r.isArray()) {
                Register[] elements = new Register[r.count()];
                for (int i = 0; i < elements.length; i++) {
                    elements[i] = BoundRegister.of(r.name() + "[" + i + "]", r, io, r.offsetOf(i), direct);
                }
                arrays.put(r.name(), new RegisterArray(r, elements));
            } else {
                BoundRegister general = BoundRegister.of(r.name(), r, io, r.offset(), direct);
                registers.put(r.name(), general);
                handles.put(r.name(), HiddenClassRegister.of(general));
            }
        }
    }

    /**
     * Binds {@code layout} to the window {@code io}. Nothing is read or written. Alignment is
     * checked on the registers' offsets in the BAR: a slice that starts at an offset of its BAR
     * that would misalign a register is refused here, not at the first access. Over a window with a
     * relaxed-read fast path, binding defines a hidden class for each readable single register
     * (see {@link Register}), about a tenth of a millisecond each: bind once and keep the block.
     *
     * @param layout the registers
     * @param io     the window; offsets of the layout are offsets in it
     * @return the bound block
     * @throws NullPointerException   if an argument is {@code null}
     * @throws InvalidLayoutException if a register (or an element of an array) is not entirely inside
     *                                {@code [0, io.size())}, has a width the window's rules forbid, is
     *                                not naturally aligned while the rules require natural alignment,
     *                                or crosses the rules' boundary
     */
    public static RegisterBlock bind(RegisterLayout layout, IoAccessor io) {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(io, "io");
        AccessRules rules = io.rules();
        long size = io.size();
        // Alignment and boundaries are the BAR's: a slice carries its own origin.
        long origin = io instanceof dev.iomem.core.access.RuleDrivenAccessor a ? a.busOffset() : 0;
        for (RegisterSpec r : layout.registers()) {
            Width w = r.width();
            String what = "layout " + layout.name() + ": register " + r.name();
            if (r.end() > size) {
                int bad = 0;
                while (bad < r.count() - 1 && r.offsetOf(bad) + w.bytes() <= size) {
                    bad++;
                }
                throw new InvalidLayoutException(what + (r.isArray() ? "[" + bad + "]" : "") + " [0x"
                        + Long.toHexString(r.offsetOf(bad)) + ", 0x" + Long.toHexString(r.offsetOf(bad) + w.bytes())
                        + ") is outside the window of " + size + " bytes (0x" + Long.toHexString(size) + ")");
            }
            if (!rules.allows(w)) {
                throw new InvalidLayoutException(what + " is " + w.bits() + " bits wide, a width the rules "
                        + rules.name() + " of this window forbid (allowed: " + rules.scalarWidths().stream()
                        .sorted().map(x -> x.bits() + "-bit").toList() + ")");
            }
            for (int i = 0; i < r.count(); i++) {
                long off = r.offsetOf(i);
                String el = what + (r.isArray() ? "[" + i + "]" : "");
                long inBar = origin + off;
                String at = " at 0x" + Long.toHexString(off) + (origin == 0 ? "" : " (0x" + Long.toHexString(inBar)
                        + " in the BAR: the window is a slice at 0x" + Long.toHexString(origin) + ")");
                if (rules.naturalAlignment() && inBar % w.bytes() != 0) {
                    throw new InvalidLayoutException(el + at + " is not aligned to its "
                            + w.bytes() + "-byte width, and the rules " + rules.name() + " of this window require natural alignment");
                }
                long b = rules.boundary();
                if (b != 0 && inBar / b != (inBar + w.bytes() - 1) / b) {
                    throw new InvalidLayoutException(el + at + " crosses a " + b
                            + "-byte boundary, which the rules " + rules.name() + " of this window forbid");
                }
                if (!rules.naturalAlignment() && b == 0) {
                    break;
                }
            }
        }
        return new RegisterBlock(layout, io);
    }

    /** {@return the layout} */
    public RegisterLayout layout() {
        return layout;
    }

    /** {@return the window the layout is bound to} */
    public IoAccessor accessor() {
        return io;
    }

    /**
     * {@return the handle of the single register called {@code name}}
     *
     * @param name the register's name
     * @throws IllegalArgumentException if the layout has no single register of that name (an array
     *                                  is reached through {@link #array(String)})
     */
    public Register register(String name) {
        Register r = handles.get(name);
        if (r == null) {
            throw new IllegalArgumentException("layout " + layout.name() + " has no single register " + name
                    + (arrays.containsKey(name) ? " (it is an array: use array(\"" + name + "\"))" : "")
                    + "; its registers are " + registers.keySet());
        }
        return r;
    }

    /**
     * {@return the handles of the register array called {@code name}}
     *
     * @param name the array's name
     * @throws IllegalArgumentException if the layout has no array of that name
     */
    public RegisterArray array(String name) {
        RegisterArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException("layout " + layout.name() + " has no register array " + name
                    + "; its arrays are " + arrays.keySet());
        }
        return a;
    }

    /**
     * Reads every register that can be read without side effects ({@link AccessKind#READ_ONLY},
     * {@link AccessKind#READ_WRITE}, {@link AccessKind#WRITE_1_TO_CLEAR}), once each with an
     * ordered read, in declaration order, and decodes its fields. Write-only and read-to-clear
     * registers are listed but never read.
     *
     * @return one entry per register, array elements each on their own
     * @throws IoAccessException if the window refuses or fails a read
     */
    public List<RegisterValue> dump() {
        List<RegisterValue> out = new ArrayList<>();
        for (RegisterSpec r : layout.registers()) {
            if (r.isArray()) {
                RegisterArray a = arrays.get(r.name());
                for (int i = 0; i < a.count(); i++) {
                    out.add(dumpOne((BoundRegister) a.get(i)));
                }
            } else {
                out.add(dumpOne(registers.get(r.name())));
            }
        }
        return out;
    }

    private static RegisterValue dumpOne(BoundRegister r) {
        RegisterSpec s = r.spec();
        if (!s.access().readableWithoutSideEffects()) {
            return new RegisterValue(r.name(), r.offset(), s.width().bits(), s.access(), false, 0, List.of());
        }
        long v = r.read();
        List<RegisterValue.FieldValue> fields = new ArrayList<>();
        for (FieldSpec f : s.fields()) {
            long fv = f.extract(v);
            fields.add(new RegisterValue.FieldValue(f.name(), f.lsb(), f.width(), fv, f.nameOf(fv)));
        }
        return new RegisterValue(r.name(), r.offset(), s.width().bits(), s.access(), true, v, fields);
    }

    /**
     * {@return a dump a person can read: {@link #dump()} as text, one register a line with its
     * offset, width, access kind, value and decoded fields}
     *
     * @throws IoAccessException if the window refuses or fails a read
     */
    public String describe() {
        return format(layout.name(), io.size(), dump());
    }

    /**
     * {@return the text of {@link #describe()} for a dump already taken}
     *
     * @param layoutName the layout's name, for the heading
     * @param windowSize the window's size in bytes, for the heading
     * @param values     the dump
     * @throws NullPointerException if {@code layoutName} or {@code values} is {@code null}
     */
    public static String format(String layoutName, long windowSize, List<RegisterValue> values) {
        Objects.requireNonNull(layoutName, "layoutName");
        int nameWidth = 4;
        for (RegisterValue v : values) {
            nameWidth = Math.max(nameWidth, v.name().length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("layout ").append(layoutName).append(", window of ").append(windowSize).append(" bytes\n");
        for (RegisterValue v : values) {
            sb.append(String.format(Locale.ROOT, "0x%04x  %-" + nameWidth + "s  %2d  %-3s  ", v.offset(), v.name(),
                    v.bits(), shortKind(v.access())));
            if (!v.read()) {
                sb.append(v.access() == AccessKind.WRITE_ONLY ? "(write-only, not read)" : "(read-to-clear, not read)");
            } else {
                sb.append("0x").append(hex(v.value(), v.bits()));
                for (RegisterValue.FieldValue f : v.fields()) {
                    sb.append("  ").append(f.name()).append('=');
                    sb.append(f.width() == 1 ? Long.toString(f.value()) : "0x" + Long.toHexString(f.value()));
                    if (f.valueName() != null) {
                        sb.append('(').append(f.valueName()).append(')');
                    }
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String hex(long v, int bits) {
        String h = Long.toHexString(v);
        int digits = bits / 4;
        return "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    /**
     * {@return a short label for an access kind, as used in dumps: RO, WO, RW, RC or W1C}
     *
     * @param kind the access kind
     * @throws NullPointerException if {@code kind} is {@code null}
     */
    public static String shortKind(AccessKind kind) {
        return switch (kind) {
            case READ_ONLY -> "RO";
            case WRITE_ONLY -> "WO";
            case READ_WRITE -> "RW";
            case READ_TO_CLEAR -> "RC";
            case WRITE_1_TO_CLEAR -> "W1C";
        };
    }

    @Override
    public String toString() {
        return "RegisterBlock[" + layout.name() + " over " + io.size() + " bytes]";
    }
}
