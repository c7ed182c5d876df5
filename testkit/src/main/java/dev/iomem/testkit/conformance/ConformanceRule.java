package dev.iomem.testkit.conformance;

/**
 * The rules the conformance kit checks, each with the id every failure message starts with.
 */
public enum ConformanceRule {
    /** The backend's rules are self-consistent and its accessor reports them. */
    RULES_CONSISTENT("rules-consistent", "a backend's rules are self-consistent and its accessors report them"),
    /** A valid access succeeds. */
    VALID_ACCESS("valid-access", "an access the rules allow succeeds"),
    /** No access makes the simulated device fault. */
    HARDWARE_FAULT("no-hardware-fault", "no access makes the device fault (SIGBUS or a PCI error on real hardware)"),
    /** A scalar access is one transaction of its width. */
    SINGLE_TRANSACTION("single-transaction", "a scalar access is exactly one bus transaction of its own width at its own offset"),
    /** A value written reads back. */
    SCALAR_ROUND_TRIP("scalar-round-trip", "a value written to device memory is the value read back"),
    /** Device values are little-endian. */
    DEVICE_BYTE_ORDER("little-endian", "device values are little-endian in device memory, whatever the CPU's byte order"),
    /** A refused access causes no traffic. */
    NO_TRAFFIC_ON_REJECTION("no-traffic-on-rejection", "a refused access throws before any bus transaction or barrier (no partial effect)"),
    /** A refused access throws the contracted exception. */
    REJECTION_TYPE("rejection-type", "a refused access throws the IoAccessException subtype the IoAccessor contract names"),
    /** A write through a read-only window is refused. */
    READ_ONLY_WINDOW("read-only-window", "a write, copy or fill through a window mapped read-only throws ReadOnlyWindowException before any transaction or barrier"),
    /** The RAM buffer of a copy is checked before the device. */
    RAM_BUFFER("ram-buffer", "a copy whose RAM buffer it cannot use (read-only for copyFromIo, of a closed arena, confined to another thread) throws IllegalArgumentException, IllegalStateException or WrongThreadException before any transaction or barrier"),
    /** Copies and fills issue only the right kind of transaction. */
    ACCESS_KIND("access-kind", "copyToIo and fillIo only store, copyFromIo only loads, and none of them calls an ordering hook"),
    /** Copy fences. */
    COPY_FENCES("copy-fences", "a copy or fill has exactly the fences its copy algorithm declares: beforeCopy/afterCopy around it, afterCopyLoad after each load"),
    /** Copies and fills stay inside their range. */
    INSIDE_RANGE("inside-range", "a copy or fill touches no byte outside its range"),
    /** Every byte once. */
    EXACTLY_ONCE("exactly-once", "every byte of a copy or fill is accessed exactly once"),
    /** Ascending order. */
    ASCENDING("ascending-order", "the accesses of a copy or fill are issued in ascending order"),
    /** Allowed widths. */
    ALLOWED_WIDTH("allowed-width", "every access has a width the rules allow, and no copy access is wider than maxCopyWidth"),
    /** Natural alignment. */
    NATURAL_ALIGNMENT("natural-alignment", "where the rules demand it, every access's device offset is a multiple of its width"),
    /** The boundary. */
    BOUNDARY("boundary", "no access crosses the rules' boundary (s390x: 4 KiB)"),
    /** Block-store limits. */
    BLOCK_STORE_LIMITS("block-store-limits", "every block store is within the rules' limits (length, multiple, alignment)"),
    /** The kernel's algorithm. */
    COPY_ALGORITHM("copy-algorithm", "copies and fills issue exactly the accesses of the architecture's kernel algorithm"),
    /** Correct bytes. */
    CORRECT_BYTES("correct-bytes", "copies and fills move exactly the right bytes"),
    /** Barrier before an ordered write. */
    BARRIER_BEFORE_ORDERED_WRITE("barrier-before-ordered-write", "an ordered write is beforeWrite, the one store, afterWrite, and no other hook (asm-generic __io_bw/__io_aw)"),
    /** Barrier after an ordered read. */
    BARRIER_AFTER_ORDERED_READ("barrier-after-ordered-read", "an ordered read is beforeRead, the one load, afterRead, and no other hook (asm-generic __io_br/__io_ar)"),
    /** The value afterRead gets. */
    BARRIER_AFTER_READ_VALUE("barrier-after-read-value", "afterRead receives the value the load read (powerpc's twi;isync and arm64's dependency need it)"),
    /** Relaxed accesses have no barriers. */
    RELAXED_NO_BARRIER("relaxed-no-barrier", "a relaxed access calls no hook where the rules say relaxed accesses are UNORDERED, and the ordered hooks where they say ORDERED"),
    /** flushWrites. */
    FLUSH("flush", "flushWrites calls the flush barrier once and issues nothing else"),
    /** Slices. */
    SLICE_ISOLATION("slice-isolation", "a slice maps its offsets into its parent and reaches nothing outside its own range"),
    /** Windows beyond 4 GiB. */
    LARGE_WINDOW("large-window", "in a window larger than 4 GiB, scalars, copies, fills and slices at offsets beyond 2 GiB and 4 GiB reach exactly those offsets (no offset is truncated to 32 bits)"),
    /** The native path. */
    NATIVE_PATH("native-path", "where the backend is available on the machine running the kit, its own bus (openBus) and native barriers round-trip every scalar and move the right bytes in copies and fills over native memory"),
    /** Close. */
    CLOSE("close", "after close every access throws AccessorClosedException without bus traffic; close is idempotent"),
    /** Concurrency. */
    CONCURRENT_WRITES("concurrent-writes", "threads using distinct registers concurrently lose no writes"),
    /** Side-effect registers. */
    SIDE_EFFECTS("side-effect-registers", "registers with side effects see exactly the accesses asked for, no more"),
    /** DMA coverage. */
    DMA_COVERAGE("dma-coverage", "a DMA table covers exactly the mapped length"),
    /** DMA coalescing. */
    DMA_COALESCING("dma-coalescing", "a DMA table merges contiguous segments, and only within the constraints"),
    /** DMA constraints. */
    DMA_CONSTRAINTS("dma-constraints", "every DMA segment is inside the mask, the segment size, the boundary and the alignment"),
    /** DMA homogeneity. */
    DMA_HOMOGENEOUS("dma-homogeneous", "a DMA table is in one address space and describes what it was built for"),
    /** DMA close. */
    DMA_CLOSE("dma-close", "a DMA table unmaps exactly once and refuses use after close"),
    /** DMA refusals. */
    DMA_REFUSAL("dma-refusal", "a DMA mapper refuses bad input with the contracted exception and maps nothing");

    private final String id;
    private final String sentence;

    ConformanceRule(String id, String sentence) {
        this.id = id;
        this.sentence = sentence;
    }

    /** {@return the rule's short id, such as {@code "exactly-once"}} */
    public String id() {
        return id;
    }

    /** {@return the rule as a sentence} */
    public String sentence() {
        return sentence;
    }
}
