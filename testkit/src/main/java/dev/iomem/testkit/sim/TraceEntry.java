package dev.iomem.testkit.sim;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One recorded bus transaction or barrier call.
 *
 * @param kind   what happened
 * @param offset the device offset of a transaction; -1 for a barrier
 * @param size   the number of bytes a transaction moved; 0 for a barrier
 * @param value  the device value of a load or store (little-endian, zero-extended); 0 for a
 *               block store or a barrier
 * @param bytes  the bytes of a block store, in device order; empty otherwise
 */
public record TraceEntry(AccessKind kind, long offset, int size, long value, byte[] bytes) {

    private static final byte[] NONE = new byte[0];

    /**
     * Checks and copies the arguments.
     *
     * @throws NullPointerException     if {@code kind} or {@code bytes} is {@code null}
     * @throws IllegalArgumentException if a transaction has a negative offset or a size below 1,
     *                                  or a barrier has an offset or a size
     */
    public TraceEntry {
        Objects.requireNonNull(kind, "kind");
        bytes = bytes.length == 0 ? NONE : bytes.clone();
        if (kind.isTransaction() && (offset < 0 || size < 1)) {
            throw new IllegalArgumentException(kind.label() + " needs an offset >= 0 and a size >= 1, got " + offset + "/" + size);
        }
        if (!kind.isTransaction() && (offset != -1 || size != 0)) {
            throw new IllegalArgumentException(kind.label() + " has no offset or size");
        }
    }

    /**
     * {@return a load or store entry}
     *
     * @param kind   {@link AccessKind#LOAD} or {@link AccessKind#STORE}
     * @param offset the device offset
     * @param size   the width in bytes
     * @param value  the device value
     * @throws IllegalArgumentException if {@code kind} is not a load or store
     */
    public static TraceEntry scalar(AccessKind kind, long offset, int size, long value) {
        if (kind != AccessKind.LOAD && kind != AccessKind.STORE) {
            throw new IllegalArgumentException("not a scalar kind: " + kind);
        }
        return new TraceEntry(kind, offset, size, value, NONE);
    }

    /**
     * {@return a block store entry}
     *
     * @param offset the device offset
     * @param bytes  the bytes stored, in device order
     */
    public static TraceEntry block(long offset, byte[] bytes) {
        return new TraceEntry(AccessKind.STORE_BLOCK, offset, bytes.length, 0, bytes);
    }

    /**
     * {@return a barrier entry}
     *
     * @param kind a barrier kind
     * @throws IllegalArgumentException if {@code kind} is a transaction
     */
    public static TraceEntry barrier(AccessKind kind) {
        if (kind.isTransaction()) {
            throw new IllegalArgumentException("not a barrier: " + kind);
        }
        return new TraceEntry(kind, -1, 0, 0, NONE);
    }

    /**
     * {@return a barrier entry that carries a value, as {@link AccessKind#BARRIER_AFTER_READ} carries the value read}
     *
     * @param kind  a barrier kind
     * @param value the value the barrier was given
     * @throws IllegalArgumentException if {@code kind} is a transaction
     */
    public static TraceEntry barrier(AccessKind kind, long value) {
        if (kind.isTransaction()) {
            throw new IllegalArgumentException("not a barrier: " + kind);
        }
        return new TraceEntry(kind, -1, 0, value, NONE);
    }

    /** {@return the bytes of a block store, a copy} */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** {@return whether this entry is a bus transaction} */
    public boolean isTransaction() {
        return kind.isTransaction();
    }

    /** {@return the offset just past the bytes of a transaction} */
    public long end() {
        return offset + size;
    }

    /**
     * {@return whether this is a transaction that touches any byte of {@code [from, to)}}
     *
     * @param from the first device offset
     * @param to   the device offset just past the range
     */
    public boolean overlaps(long from, long to) {
        return isTransaction() && offset < to && end() > from;
    }

    /** {@return a short description such as {@code "store 4 B at 0x10 = 0x11223344"}} */
    public String describe() {
        if (!isTransaction()) {
            return kind == AccessKind.BARRIER_AFTER_READ ? kind.label() + "(0x" + Long.toHexString(value) + ")" : kind.label();
        }
        String s = kind.label() + " " + size + " B at 0x" + Long.toHexString(offset);
        if (kind == AccessKind.STORE_BLOCK) {
            return s;
        }
        return s + " = 0x" + Long.toHexString(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraceEntry e && e.kind == kind && e.offset == offset && e.size == size
                && e.value == value && Arrays.equals(e.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, offset, size, value, Arrays.hashCode(bytes));
    }

    @Override
    public String toString() {
        return kind == AccessKind.STORE_BLOCK ? describe() + " [" + HexFormat.ofDelimiter(" ").formatHex(bytes) + "]" : describe();
    }
}
