package dev.iomem.api;

import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What an architecture allows on one kind of device memory, as data. The copy planner in
 * {@code dev.iomem.core} turns these rules into the exact device accesses of a copy or fill, and
 * the testkit's simulated bus faults on anything they forbid.
 *
 * <p>Instances are immutable; build one with {@link #builder(String, MemoryType)}.
 */
public final class AccessRules {

    private final String name;
    private final MemoryType memoryType;
    private final Set<Width> scalarWidths;
    private final boolean naturalAlignment;
    private final CopyAlgorithm copyAlgorithm;
    private final RelaxedOrdering relaxedOrdering;
    private final BlockStoreLimits blockStore;
    private final long boundary;
    private final ByteOrder cpuByteOrder;
    private final String quirks;

    private AccessRules(Builder b) {
        this.name = b.name;
        this.memoryType = b.memoryType;
        this.scalarWidths = Set.copyOf(b.scalarWidths);
        this.naturalAlignment = b.naturalAlignment;
        this.copyAlgorithm = b.copyAlgorithm;
        this.relaxedOrdering = b.relaxedOrdering;
        this.blockStore = b.blockStore;
        this.boundary = b.boundary;
        this.cpuByteOrder = b.cpuByteOrder;
        this.quirks = b.quirks;
    }

    /**
     * {@return a builder for rules named {@code name} for the given memory type}
     *
     * @param name       a short name, such as {@code "x86_64"}
     * @param memoryType the memory type the rules apply to
     * @throws NullPointerException if an argument is {@code null}
     */
    public static Builder builder(String name, MemoryType memoryType) {
        return new Builder(Objects.requireNonNull(name, "name"), Objects.requireNonNull(memoryType, "memoryType"));
    }

    /** {@return a builder that starts from these rules} */
    public Builder toBuilder() {
        Builder b = new Builder(name, memoryType);
        b.scalarWidths = EnumSet.copyOf(scalarWidths);
        b.naturalAlignment = naturalAlignment;
        b.copyAlgorithm = copyAlgorithm;
        b.relaxedOrdering = relaxedOrdering;
        b.blockStore = blockStore;
        b.boundary = boundary;
        b.cpuByteOrder = cpuByteOrder;
        b.quirks = quirks;
        return b;
    }

    /** {@return the rules' name, for example {@code "aarch64"}} */
    public String name() { return name; }

    /** {@return the memory type these rules apply to} */
    public MemoryType memoryType() { return memoryType; }

    /** {@return the widths a scalar access may use} */
    public Set<Width> scalarWidths() { return scalarWidths; }

    /**
     * {@return whether {@code width} is allowed for a scalar access}
     *
     * @param width the width
     */
    public boolean allows(Width width) { return scalarWidths.contains(width); }

    /** {@return whether every access must be naturally aligned (its offset a multiple of its width)} */
    public boolean naturalAlignment() { return naturalAlignment; }

    /** {@return how copies and fills are split into device accesses, and their fences} */
    public CopyAlgorithm copyAlgorithm() { return copyAlgorithm; }

    /** {@return the widest single access a copy or fill may use (block stores aside): the algorithm's body width} */
    public Width maxCopyWidth() { return copyAlgorithm.body(); }

    /** {@return whether relaxed accesses call the ordering hooks ({@link RelaxedOrdering#ORDERED}) or none} */
    public RelaxedOrdering relaxedOrdering() { return relaxedOrdering; }

    /** {@return the block-store limits, if this architecture has block stores} */
    public Optional<BlockStoreLimits> blockStore() { return Optional.ofNullable(blockStore); }

    /**
     * {@return a power of two no device access may cross, or 0 if there is none} (s390x: 4096,
     * the zPCI boundary of {@code asm/pci_io.h}).
     */
    public long boundary() { return boundary; }

    /** {@return the CPU's byte order; device values are always little-endian} */
    public ByteOrder cpuByteOrder() { return cpuByteOrder; }

    /** {@return the names of the quirks applied to these rules, comma separated, or an empty string} */
    public String quirks() { return quirks; }

    /**
     * {@return these rules narrowed by a device quirk}
     *
     * @param quirk the device's quirk
     * @throws NullPointerException     if {@code quirk} is {@code null}
     * @throws IllegalArgumentException if the quirk would widen the rules: it allows a scalar
     *                                  width these rules do not, or a wider copy width than
     *                                  {@link #maxCopyWidth()}, or no copy width these rules allow
     */
    public AccessRules withQuirk(DeviceQuirk quirk) {
        Objects.requireNonNull(quirk, "quirk");
        if (!scalarWidths.containsAll(quirk.scalarWidths())) {
            EnumSet<Width> extra = EnumSet.copyOf(quirk.scalarWidths());
            extra.removeAll(scalarWidths);
            throw new IllegalArgumentException("quirk " + quirk.name() + " would widen rules " + name
                    + ": it allows widths " + extra + " that " + name + " forbids");
        }
        if (quirk.maxCopyWidth().compareTo(maxCopyWidth()) > 0) {
            throw new IllegalArgumentException("quirk " + quirk.name() + " would widen rules " + name
                    + ": copy width " + quirk.maxCopyWidth() + " is wider than " + maxCopyWidth());
        }
        EnumSet<Width> widths = EnumSet.copyOf(quirk.scalarWidths());
        Width copy = quirk.maxCopyWidth();
        while (!widths.contains(copy) && copy != Width.BYTE) {
            copy = Width.ofBytes(copy.bytes() / 2);
        }
        if (!widths.contains(copy)) {
            throw new IllegalArgumentException("quirk " + quirk.name() + " leaves no width a copy could use");
        }
        Builder b = toBuilder().scalarWidths(widths).maxCopyWidth(copy);
        if (!quirk.allowBlockStore()) {
            b.blockStore(null);
        }
        b.quirks = quirks.isEmpty() ? quirk.name() : quirks + "," + quirk.name();
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessRules r && r.name.equals(name) && r.memoryType == memoryType
                && r.scalarWidths.equals(scalarWidths) && r.naturalAlignment == naturalAlignment
                && r.copyAlgorithm.equals(copyAlgorithm) && r.relaxedOrdering == relaxedOrdering
                && Objects.equals(r.blockStore, blockStore) && r.boundary == boundary
                && r.cpuByteOrder.equals(cpuByteOrder) && r.quirks.equals(quirks);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, memoryType, scalarWidths, naturalAlignment, copyAlgorithm, relaxedOrdering, blockStore, boundary, quirks);
    }

    @Override
    public String toString() {
        return name + "/" + memoryType + "{widths=" + EnumSet.copyOf(scalarWidths)
                + ", naturalAlignment=" + naturalAlignment + ", copy=" + copyAlgorithm
                + (relaxedOrdering == RelaxedOrdering.ORDERED ? ", relaxed accesses ordered" : "")
                + (blockStore != null ? ", blockStore=" + blockStore : "")
                + (boundary != 0 ? ", boundary=" + boundary : "")
                + ", cpu=" + cpuByteOrder + (quirks.isEmpty() ? "" : ", quirks=" + quirks) + "}";
    }

    /**
     * Builds {@link AccessRules}. Defaults: all four widths, natural alignment required,
     * {@link CopyAlgorithm#GENERIC}, {@link RelaxedOrdering#UNORDERED}, no block store, no
     * boundary, little-endian CPU.
     */
    public static final class Builder {
        private final String name;
        private final MemoryType memoryType;
        private EnumSet<Width> scalarWidths = EnumSet.allOf(Width.class);
        private boolean naturalAlignment = true;
        private CopyAlgorithm copyAlgorithm = CopyAlgorithm.GENERIC;
        private RelaxedOrdering relaxedOrdering = RelaxedOrdering.UNORDERED;
        private BlockStoreLimits blockStore;
        private long boundary;
        private ByteOrder cpuByteOrder = ByteOrder.LITTLE_ENDIAN;
        private String quirks = "";

        private Builder(String name, MemoryType memoryType) {
            this.name = name;
            this.memoryType = memoryType;
        }

        /**
         * Sets the scalar widths.
         *
         * @param widths the allowed widths
         * @return this builder
         * @throws IllegalArgumentException if {@code widths} is empty
         */
        public Builder scalarWidths(Set<Width> widths) {
            if (widths.isEmpty()) {
                throw new IllegalArgumentException("rules must allow at least one width");
            }
            this.scalarWidths = EnumSet.copyOf(widths);
            return this;
        }

        /**
         * Sets whether accesses must be naturally aligned.
         *
         * @param required {@code true} if an access's offset must be a multiple of its width
         * @return this builder
         */
        public Builder naturalAlignment(boolean required) {
            this.naturalAlignment = required;
            return this;
        }

        /**
         * Sets the copy algorithm.
         *
         * @param algorithm how copies and fills are split, and their fences
         * @return this builder
         * @throws NullPointerException if {@code algorithm} is {@code null}
         */
        public Builder copy(CopyAlgorithm algorithm) {
            this.copyAlgorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /**
         * Narrows (or widens) the copy algorithm's body, the widest copy access.
         *
         * @param width the widest access of a copy
         * @return this builder
         * @throws NullPointerException if {@code width} is {@code null}
         */
        public Builder maxCopyWidth(Width width) {
            this.copyAlgorithm = copyAlgorithm.withBody(Objects.requireNonNull(width, "width"));
            return this;
        }

        /**
         * Sets what relaxed accesses are.
         *
         * @param ordering {@link RelaxedOrdering#ORDERED} if relaxed accesses call the ordering hooks
         * @return this builder
         * @throws NullPointerException if {@code ordering} is {@code null}
         */
        public Builder relaxedOrdering(RelaxedOrdering ordering) {
            this.relaxedOrdering = Objects.requireNonNull(ordering, "ordering");
            return this;
        }

        /**
         * Sets the block-store limits.
         *
         * @param limits the limits, or {@code null} for none
         * @return this builder
         */
        public Builder blockStore(BlockStoreLimits limits) {
            this.blockStore = limits;
            return this;
        }

        /**
         * Sets a boundary that no access may cross.
         *
         * @param bytes a power of two, or 0 for none
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is neither 0 nor a power of two
         */
        public Builder boundary(long bytes) {
            if (bytes < 0 || (bytes != 0 && Long.bitCount(bytes) != 1)) {
                throw new IllegalArgumentException("boundary must be 0 or a power of two, got " + bytes);
            }
            this.boundary = bytes;
            return this;
        }

        /**
         * Sets the CPU byte order.
         *
         * @param order the CPU's byte order
         * @return this builder
         */
        public Builder cpuByteOrder(ByteOrder order) {
            this.cpuByteOrder = Objects.requireNonNull(order, "order");
            return this;
        }

        /**
         * {@return the rules}
         *
         * @throws IllegalStateException if the rules are not self-consistent: the copy width is
         *                               not an allowed scalar width, the boundary is smaller than
         *                               the copy width or a block store
         */
        public AccessRules build() {
            Width maxCopyWidth = copyAlgorithm.body();
            if (!scalarWidths.contains(maxCopyWidth)) {
                throw new IllegalStateException("rules " + name + ": copy width " + maxCopyWidth + " is not an allowed scalar width " + scalarWidths);
            }
            if (boundary != 0 && boundary < maxCopyWidth.bytes()) {
                throw new IllegalStateException("rules " + name + ": boundary " + boundary + " is narrower than copy width " + maxCopyWidth);
            }
            if (blockStore != null && boundary != 0 && blockStore.maxBytes() > boundary) {
                throw new IllegalStateException("rules " + name + ": block store of " + blockStore.maxBytes() + " bytes exceeds boundary " + boundary);
            }
            return new AccessRules(this);
        }
    }
}
