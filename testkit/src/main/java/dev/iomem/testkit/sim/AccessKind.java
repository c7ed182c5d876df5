package dev.iomem.testkit.sim;

/**
 * What one entry of an {@link AccessTrace} records: a bus transaction or a barrier call.
 */
public enum AccessKind {
    /** One device read ({@link dev.iomem.spi.IoBus#load}). */
    LOAD("load"),
    /** One device write ({@link dev.iomem.spi.IoBus#store}). */
    STORE("store"),
    /** One block store ({@link dev.iomem.spi.IoBus#storeBlock}). */
    STORE_BLOCK("store-block"),
    /** A call of {@link dev.iomem.spi.Barriers#beforeRead()}. */
    BARRIER_BEFORE_READ("barrier-before-read"),
    /** A call of {@link dev.iomem.spi.Barriers#afterRead(long)}; the entry's value is the value it was given. */
    BARRIER_AFTER_READ("barrier-after-read"),
    /** A call of {@link dev.iomem.spi.Barriers#beforeWrite()}. */
    BARRIER_BEFORE_WRITE("barrier-before-write"),
    /** A call of {@link dev.iomem.spi.Barriers#afterWrite()}. */
    BARRIER_AFTER_WRITE("barrier-after-write"),
    /** A call of {@link dev.iomem.spi.Barriers#flushWrites()}. */
    FLUSH("flush"),
    /** A call of {@link dev.iomem.spi.Barriers#beforeCopy()}. */
    COPY_FENCE_BEFORE("copy-fence-before"),
    /** A call of {@link dev.iomem.spi.Barriers#afterCopy()}. */
    COPY_FENCE_AFTER("copy-fence-after"),
    /** A call of {@link dev.iomem.spi.Barriers#afterCopyLoad()}. */
    COPY_FENCE_AFTER_LOAD("copy-fence-after-load");

    private final String label;

    AccessKind(String label) {
        this.label = label;
    }

    /** {@return the kind's name in traces and JSON, such as {@code "store-block"}} */
    public String label() {
        return label;
    }

    /** {@return whether this kind is a bus transaction (not a barrier)} */
    public boolean isTransaction() {
        return this == LOAD || this == STORE || this == STORE_BLOCK;
    }

    /** {@return whether this kind is one of the fences a copy algorithm declares} */
    public boolean isCopyFence() {
        return this == COPY_FENCE_BEFORE || this == COPY_FENCE_AFTER || this == COPY_FENCE_AFTER_LOAD;
    }

    /** {@return whether this kind writes device memory} */
    public boolean isWrite() {
        return this == STORE || this == STORE_BLOCK;
    }

    /**
     * {@return the kind with the given label}
     *
     * @param label a label such as {@code "load"}
     * @throws IllegalArgumentException if no kind has that label
     */
    public static AccessKind ofLabel(String label) {
        for (AccessKind k : values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        throw new IllegalArgumentException("no access kind is called \"" + label + "\"");
    }
}
