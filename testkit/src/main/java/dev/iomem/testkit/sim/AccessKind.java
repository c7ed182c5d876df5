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
    /** A call of {@link dev.iomem.spi.Barriers#beforeOrderedWrite()}. */
    BARRIER_BEFORE_WRITE("barrier-before-write"),
    /** A call of {@link dev.iomem.spi.Barriers#afterOrderedRead()}. */
    BARRIER_AFTER_READ("barrier-after-read"),
    /** A call of {@link dev.iomem.spi.Barriers#flushWrites()}. */
    FLUSH("flush");

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
