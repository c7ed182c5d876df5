package dev.iomem.spi;

/**
 * The ordering hooks an architecture puts around device accesses: the four of the kernel's
 * {@code include/asm-generic/io.h} around every ordered access ({@code __io_br},
 * {@code __io_ar(v)}, {@code __io_bw}, {@code __io_aw}), the flush, and the fences a copy
 * algorithm declares ({@link dev.iomem.api.CopyFence}).
 *
 * <p>An ordered read is {@link #beforeRead()}, the load, {@link #afterRead(long)} with the value
 * read; an ordered write is {@link #beforeWrite()}, the store, {@link #afterWrite()}. Relaxed
 * accesses call them too only where the rules say relaxed accesses are ordered
 * ({@link dev.iomem.api.RelaxedOrdering#ORDERED}, as on powerpc). The accessor calls every hook
 * its rules name, so an architecture overrides only those it needs; the others default to
 * nothing, as in asm-generic (where {@code __io_br} and {@code __io_aw} are compiler barriers).
 *
 * {@snippet :
 * // powerpc (arch/powerpc/include/asm/io.h): in_le32 is "sync; lwz; twi 0,r,0; isync"
 * final class PowerpcBarriers implements Barriers {
 *     public void beforeRead() { sync(); }
 *     public void afterRead(long value) { twiIsync(value); } // depends on the value read
 *     public void beforeWrite() { sync(); }
 *     public void flushWrites() { sync(); }
 *     public void beforeCopy() { sync(); }                   // arch/powerpc/kernel/io.c
 *     public void afterCopy() { sync(); }
 *     public void afterCopyLoad() { eieio(); }
 * }
 * }
 */
public interface Barriers {

    /** Before an ordered read ({@code __io_br}; powerpc {@code sync}). Default: nothing. */
    default void beforeRead() {
    }

    /**
     * After an ordered read ({@code __io_ar(v)}): orders the read before later memory reads
     * (arm64 {@code dmb oshld}, riscv {@code fence i,ir}, powerpc {@code twi 0,v,0; isync},
     * which needs the value).
     *
     * @param value the device value just read, zero-extended
     */
    void afterRead(long value);

    /** Before an ordered write ({@code __io_bw}): orders earlier memory writes before it (arm64 {@code dmb oshst}). */
    void beforeWrite();

    /** After an ordered write ({@code __io_aw}). Default: nothing. */
    default void afterWrite() {
    }

    /** Makes earlier device writes reach the device (x86 LOCKed op / {@code sfence}, arm64 {@code dsb st}). */
    void flushWrites();

    /**
     * Before the first access of a copy or fill whose algorithm declares
     * {@link dev.iomem.api.CopyFence#AROUND} (powerpc {@code sync}). Default: nothing.
     */
    default void beforeCopy() {
    }

    /**
     * After the last access of a copy or fill whose algorithm declares
     * {@link dev.iomem.api.CopyFence#AROUND} (powerpc {@code sync}). Default: nothing.
     */
    default void afterCopy() {
    }

    /**
     * After each load of a {@code copyFromIo} whose algorithm declares
     * {@link dev.iomem.api.CopyFence#AFTER_EACH_LOAD} (powerpc {@code eieio}). Default: nothing.
     */
    default void afterCopyLoad() {
    }

    /** {@return barriers that do nothing, for buses that are strongly ordered already} */
    static Barriers none() {
        return NoBarriers.INSTANCE;
    }
}
