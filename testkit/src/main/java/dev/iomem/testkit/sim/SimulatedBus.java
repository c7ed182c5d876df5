package dev.iomem.testkit.sim;

import dev.iomem.api.AccessRules;
import dev.iomem.api.BlockStoreLimits;
import dev.iomem.api.Width;
import dev.iomem.spi.IoBus;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Simulated device memory that behaves like the strictest real hardware for the
 * {@link AccessRules} it is given. Every access it performs is recorded in its
 * {@link AccessTrace}; every access real hardware would fault on or mangle is refused with a
 * {@link SimulatedFault} (and remembered in {@link #faults()}, in case the caller swallows it):
 * <ul>
 *   <li>a width the rules do not allow;</li>
 *   <li>an offset that is not a multiple of the width where the rules demand natural alignment
 *       (arm64 Device memory: an alignment fault, SIGBUS);</li>
 *   <li>an access that crosses the rules' boundary (s390x: 4 KiB, {@code ZPCI_BOUNDARY_SIZE});</li>
 *   <li>a block store on rules without one, or one that breaks the {@link BlockStoreLimits};</li>
 *   <li>anything outside the window, or any access after {@link #close()}.</li>
 * </ul>
 * A refused access is neither performed nor traced.
 *
 * <p>Device memory is little-endian bytes: a store of {@code 0x11223344} puts {@code 44 33 22 11}
 * at ascending offsets, whatever the CPU's byte order. Registers with side effects
 * ({@link RegisterBehavior}) make stray, repeated or widened accesses visible. The test side
 * looks at memory with {@link #peek}/{@link #poke}, which neither trace nor trigger side effects.
 *
 * <p>Device memory is one array of up to {@link #MAX_SIZE} bytes, or, made with
 * {@link #sparse(AccessRules, long)}, pages allocated on first write, for windows beyond 4 GiB.
 *
 * <p>All methods are synchronized: one transaction at a time, like a single device.
 */
public final class SimulatedBus implements IoBus {

    /** The largest window the simulator holds in one array. */
    public static final long MAX_SIZE = 1L << 30;

    /** The largest {@linkplain #sparse(AccessRules, long) sparse} window: 1 TiB, of which only touched pages cost memory. */
    public static final long MAX_SPARSE_SIZE = 1L << 40;

    private final AccessRules rules;
    private final AccessTrace trace;
    private final DeviceMemory memory;
    private final TreeMap<Long, Register> registers = new TreeMap<>();
    private final List<SimulatedFault> faults = new ArrayList<>();
    private int closeCalls;

    private record Register(long offset, int size, RegisterBehavior behavior, Deque<Long> queue) {
        long end() {
            return offset + size;
        }
    }

    /**
     * Creates zeroed device memory of {@code size} bytes with a trace of its own.
     *
     * @param rules the rules the simulated hardware enforces
     * @param size  the window size in bytes
     * @throws NullPointerException     if {@code rules} is {@code null}
     * @throws IllegalArgumentException if {@code size} is not 1 to {@link #MAX_SIZE}
     */
    public SimulatedBus(AccessRules rules, long size) {
        this(rules, size, new AccessTrace());
    }

    /**
     * Creates zeroed device memory of {@code size} bytes that records into {@code trace}.
     *
     * @param rules the rules the simulated hardware enforces
     * @param size  the window size in bytes
     * @param trace the trace to record into (share it with {@link RecordingBarriers})
     * @throws NullPointerException     if {@code rules} or {@code trace} is {@code null}
     * @throws IllegalArgumentException if {@code size} is not 1 to {@link #MAX_SIZE}
     */
    public SimulatedBus(AccessRules rules, long size, AccessTrace trace) {
        this(rules, trace, dense(size));
    }

    private SimulatedBus(AccessRules rules, AccessTrace trace, DeviceMemory memory) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.trace = Objects.requireNonNull(trace, "trace");
        this.memory = memory;
    }

    private static DeviceMemory dense(long size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("a simulated window must be 1 to " + MAX_SIZE + " bytes, got " + size);
        }
        return new DeviceMemory.Dense(size);
    }

    /**
     * Creates zeroed device memory of {@code size} bytes held in pages of 4 KiB allocated on the
     * first write to them (by a store, a block store or {@link #poke}): a window beyond 4 GiB
     * costs only the pages touched. {@link #peek}, {@link #poke}, registers and faults work as on
     * a dense bus; {@link #snapshot()} only up to {@link #MAX_SIZE}, {@link #snapshotPages()} always.
     *
     * @param rules the rules the simulated hardware enforces
     * @param size  the window size in bytes
     * @param trace the trace to record into
     * @return the bus
     * @throws NullPointerException     if {@code rules} or {@code trace} is {@code null}
     * @throws IllegalArgumentException if {@code size} is not 1 to {@link #MAX_SPARSE_SIZE}
     */
    public static SimulatedBus sparse(AccessRules rules, long size, AccessTrace trace) {
        if (size < 1 || size > MAX_SPARSE_SIZE) {
            throw new IllegalArgumentException("a sparse simulated window must be 1 to " + MAX_SPARSE_SIZE + " bytes, got " + size);
        }
        return new SimulatedBus(rules, trace, new DeviceMemory.Sparse(size));
    }

    /**
     * Like {@link #sparse(AccessRules, long, AccessTrace)} with a trace of its own.
     *
     * @param rules the rules the simulated hardware enforces
     * @param size  the window size in bytes
     * @return the bus
     */
    public static SimulatedBus sparse(AccessRules rules, long size) {
        return sparse(rules, size, new AccessTrace());
    }

    /** {@return whether this bus holds its memory in pages allocated on first write} */
    public boolean isSparse() {
        return memory instanceof DeviceMemory.Sparse;
    }

    /** {@return the rules this simulated hardware enforces} */
    public AccessRules rules() {
        return rules;
    }

    /** {@return the trace of every transaction} */
    public AccessTrace trace() {
        return trace;
    }

    @Override
    public long size() {
        return memory.size;
    }

    /** Whether the window is simulated as mapped read-only (guarded by this). */
    private boolean readOnly;

    /**
     * Simulates a window mapped read-only, as {@code iomem peek} maps one: {@link #isReadOnly()}
     * says so, and every store or block store that still reaches the bus is a fault (a write
     * through a read-only mapping is SIGSEGV on real hardware).
     *
     * @param value whether the window is read-only
     */
    public synchronized void setReadOnly(boolean value) {
        readOnly = value;
    }

    @Override
    public synchronized boolean isReadOnly() {
        return readOnly;
    }

    private void checkWritable(AccessKind kind, long offset, long size) {
        if (readOnly) {
            throw fault("read-only-window", kind, offset, size, "a write reached a window mapped read-only");
        }
    }

    @Override
    public synchronized long load(long offset, Width width) {
        Objects.requireNonNull(width, "width");
        checkScalar(AccessKind.LOAD, offset, width);
        long at = offset;
        int n = width.bytes();
        beforeLoad(at, n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) {
            value = (value << 8) | (visibleByte(at + i) & 0xFF);
        }
        afterLoad(at, n);
        trace.record(TraceEntry.scalar(AccessKind.LOAD, offset, n, value));
        return value;
    }

    @Override
    public synchronized void store(long offset, Width width, long value) {
        Objects.requireNonNull(width, "width");
        checkScalar(AccessKind.STORE, offset, width);
        checkWritable(AccessKind.STORE, offset, width.bytes());
        long v = value & width.mask();
        for (int i = 0; i < width.bytes(); i++) {
            storeByte(offset + i, (byte) (v >>> (8 * i)));
        }
        trace.record(TraceEntry.scalar(AccessKind.STORE, offset, width.bytes(), v));
    }

    @Override
    public int blockStoreLimit() {
        return rules.blockStore().map(BlockStoreLimits::maxBytes).orElse(0);
    }

    @Override
    public synchronized void storeBlock(long offset, MemorySegment src) {
        Objects.requireNonNull(src, "src");
        long len = src.byteSize();
        checkOpen(AccessKind.STORE_BLOCK, offset, len);
        checkWritable(AccessKind.STORE_BLOCK, offset, len);
        if (rules.blockStore().isEmpty()) {
            throw fault("block-store-limits", AccessKind.STORE_BLOCK, offset, len,
                    "there is no block store on " + describeRules() + " hardware");
        }
        BlockStoreLimits limits = rules.blockStore().get();
        checkRange(AccessKind.STORE_BLOCK, offset, len);
        if (len <= 0 || len > limits.maxBytes()) {
            throw fault("block-store-limits", AccessKind.STORE_BLOCK, offset, len,
                    "a block store must be 1 to " + limits.maxBytes() + " bytes on " + describeRules());
        }
        if (len % limits.multipleOf() != 0) {
            throw fault("block-store-limits", AccessKind.STORE_BLOCK, offset, len,
                    "a block store's length must be a multiple of " + limits.multipleOf() + " on " + describeRules());
        }
        if (offset % limits.alignment() != 0) {
            throw fault("block-store-limits", AccessKind.STORE_BLOCK, offset, len,
                    "a block store must start at a multiple of " + limits.alignment() + " on " + describeRules());
        }
        checkBoundary(AccessKind.STORE_BLOCK, offset, len);
        byte[] bytes = src.toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < bytes.length; i++) {
            storeByte(offset + i, bytes[i]);
        }
        trace.record(TraceEntry.block(offset, bytes));
    }

    /** Closes the bus; later transactions fault. Idempotent. */
    @Override
    public synchronized void close() {
        closeCalls++;
    }

    /** {@return whether {@link #close()} has been called} */
    public synchronized boolean isClosed() {
        return closeCalls > 0;
    }

    /** {@return how many times {@link #close()} has been called} */
    public synchronized int closeCalls() {
        return closeCalls;
    }

    /** {@return every fault raised so far, oldest first} */
    public synchronized List<SimulatedFault> faults() {
        return List.copyOf(faults);
    }

    /** Forgets the faults raised so far. */
    public synchronized void clearFaults() {
        faults.clear();
    }

    /**
     * Declares a register with a side effect.
     *
     * @param offset   its device offset
     * @param width    its width
     * @param behavior its side effect
     * @return this bus
     * @throws IllegalArgumentException if the register is outside the window or overlaps another
     */
    public synchronized SimulatedBus register(long offset, Width width, RegisterBehavior behavior) {
        Objects.requireNonNull(width, "width");
        Objects.requireNonNull(behavior, "behavior");
        if (offset < 0 || offset > memory.size - width.bytes()) {
            throw new IllegalArgumentException("register at 0x" + Long.toHexString(offset) + " is outside the window");
        }
        for (Register r : registers.values()) {
            if (r.offset < offset + width.bytes() && r.end() > offset) {
                throw new IllegalArgumentException("register at 0x" + Long.toHexString(offset) + " overlaps the one at 0x" + Long.toHexString(r.offset));
            }
        }
        registers.put(offset, new Register(offset, width.bytes(), behavior, new ArrayDeque<>()));
        return this;
    }

    /**
     * Queues values that a {@link RegisterBehavior#FIFO} register hands out, one per read.
     *
     * @param offset the register's offset
     * @param values the values, first out first
     * @throws IllegalArgumentException if there is no FIFO register at {@code offset}
     */
    public synchronized void pushFifo(long offset, long... values) {
        Register r = registers.get(offset);
        if (r == null || r.behavior != RegisterBehavior.FIFO) {
            throw new IllegalArgumentException("no FIFO register at 0x" + Long.toHexString(offset));
        }
        for (long v : values) {
            r.queue.addLast(v);
        }
    }

    /**
     * {@return how many values a FIFO register still holds}
     *
     * @param offset the register's offset
     * @throws IllegalArgumentException if there is no FIFO register at {@code offset}
     */
    public synchronized int fifoDepth(long offset) {
        Register r = registers.get(offset);
        if (r == null || r.behavior != RegisterBehavior.FIFO) {
            throw new IllegalArgumentException("no FIFO register at 0x" + Long.toHexString(offset));
        }
        return r.queue.size();
    }

    /**
     * {@return a copy of device memory, without tracing or side effects}
     *
     * @param offset the first byte
     * @param length the number of bytes
     * @throws IndexOutOfBoundsException if the range is not inside the window
     */
    public synchronized byte[] peek(long offset, int length) {
        Objects.checkFromIndexSize(offset, length, memory.size);
        return memory.read(offset, length);
    }

    /**
     * {@return the little-endian device value at {@code offset}, without tracing or side effects}
     *
     * @param offset the first byte
     * @param width  the width of the value
     * @throws IndexOutOfBoundsException if the value is not inside the window
     */
    public synchronized long peekValue(long offset, Width width) {
        byte[] b = peek(offset, width.bytes());
        long v = 0;
        for (int i = b.length - 1; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    /**
     * Sets device memory, without tracing or side effects.
     *
     * @param offset the first byte
     * @param bytes  the bytes
     * @throws IndexOutOfBoundsException if the range is not inside the window
     */
    public synchronized void poke(long offset, byte... bytes) {
        Objects.checkFromIndexSize(offset, bytes.length, memory.size);
        memory.write(offset, bytes);
    }

    /**
     * Sets a little-endian device value, without tracing or side effects.
     *
     * @param offset the first byte
     * @param width  the width of the value
     * @param value  the value
     * @throws IndexOutOfBoundsException if the value is not inside the window
     */
    public synchronized void pokeValue(long offset, Width width, long value) {
        byte[] b = new byte[width.bytes()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (value >>> (8 * i));
        }
        poke(offset, b);
    }

    /**
     * {@return a copy of the whole of device memory}
     *
     * @throws UnsupportedOperationException if the bus is sparse and larger than {@link #MAX_SIZE}
     */
    public synchronized byte[] snapshot() {
        return memory.snapshot();
    }

    /**
     * {@return copies of device memory in pages of 4 KiB keyed by their offset} On a sparse bus
     * only the pages ever written are present (every other byte is zero); on a dense bus every
     * page is. The last page is shorter if the window ends inside it.
     */
    public synchronized SortedMap<Long, byte[]> snapshotPages() {
        return memory.pages();
    }

    private void checkScalar(AccessKind kind, long offset, Width width) {
        int n = width.bytes();
        checkOpen(kind, offset, n);
        if (!rules.allows(width)) {
            throw fault("allowed-width", kind, offset, n, "a " + width.bits() + "-bit access is not allowed by " + describeRules()
                    + " (allowed: " + rules.scalarWidths().stream().sorted().map(w -> w.bytes() + " B").toList() + ")");
        }
        checkRange(kind, offset, n);
        if (rules.naturalAlignment() && offset % n != 0) {
            throw fault("natural-alignment", kind, offset, n, describeRules() + " requires natural alignment: offset 0x"
                    + Long.toHexString(offset) + " is not a multiple of " + n + " (an alignment fault, SIGBUS, on real hardware)");
        }
        checkBoundary(kind, offset, n);
    }

    private void checkOpen(AccessKind kind, long offset, long size) {
        if (closeCalls > 0) {
            throw fault("close", kind, offset, size, "the bus was used after close()");
        }
    }

    private void checkRange(AccessKind kind, long offset, long size) {
        if (offset < 0 || size < 0 || offset > memory.size - size) {
            throw fault("inside-window", kind, offset, size, "the access is outside the device window of " + memory.size + " bytes");
        }
    }

    private void checkBoundary(AccessKind kind, long offset, long size) {
        long b = rules.boundary();
        if (b != 0 && size > 0 && offset / b != (offset + size - 1) / b) {
            throw fault("boundary", kind, offset, size, "the access crosses a " + b + "-byte boundary at 0x"
                    + Long.toHexString((offset / b + 1) * b) + ", which " + describeRules() + " forbids");
        }
    }

    private SimulatedFault fault(String rule, AccessKind kind, long offset, long size, String why) {
        SimulatedFault f = new SimulatedFault(rule, kind, offset, size, "simulated " + describeRules() + " device faulted on "
                + kind.label() + " of " + size + " B at offset 0x" + Long.toHexString(offset) + " [rule " + rule + "]: " + why);
        faults.add(f);
        return f;
    }

    private String describeRules() {
        return rules.name() + "/" + rules.memoryType();
    }

    private void beforeLoad(long at, int n) {
        for (Register r : overlapping(at, n)) {
            if (r.behavior == RegisterBehavior.FIFO) {
                Long next = r.queue.pollFirst();
                long v = next == null ? 0 : next;
                for (int i = 0; i < r.size; i++) {
                    memory.set(r.offset + i, (byte) (v >>> (8 * i)));
                }
            }
        }
    }

    private void afterLoad(long at, int n) {
        for (Register r : overlapping(at, n)) {
            if (r.behavior == RegisterBehavior.READ_TO_CLEAR) {
                memory.write(r.offset, new byte[r.size]);
            }
        }
    }

    private byte visibleByte(long at) {
        Register r = registerAt(at);
        return r != null && r.behavior == RegisterBehavior.WRITE_ONLY ? 0 : memory.get(at);
    }

    private void storeByte(long at, byte b) {
        Register r = registerAt(at);
        if (r == null) {
            memory.set(at, b);
            return;
        }
        switch (r.behavior) {
            case READ_ONLY -> { }
            case WRITE_1_TO_CLEAR -> memory.set(at, (byte) (memory.get(at) & ~b));
            default -> memory.set(at, b);
        }
    }

    private Register registerAt(long at) {
        if (registers.isEmpty()) {
            return null;
        }
        var e = registers.floorEntry(at);
        return e != null && at < e.getValue().end() ? e.getValue() : null;
    }

    private List<Register> overlapping(long at, int n) {
        if (registers.isEmpty()) {
            return List.of();
        }
        List<Register> out = new ArrayList<>();
        Long from = registers.floorKey(at);
        for (Register r : registers.tailMap(from == null ? at : from, true).values()) {
            if (r.offset >= at + n) {
                break;
            }
            if (r.end() > at) {
                out.add(r);
            }
        }
        return out;
    }
}
