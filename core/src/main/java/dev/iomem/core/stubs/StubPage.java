package dev.iomem.core.stubs;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * One page of machine-code stubs, each a barrier instruction and a return, linked as
 * {@code ()void} downcalls: the mechanism a backend uses for ordering instructions the JVM cannot
 * emit (arm64 {@code dmb osh*}, RISC-V {@code fence i,ir}). The page is written while only
 * writable, then made read+execute (never both), then the instruction cache is synchronised, and
 * only then is anything linked; if any step fails the page is unmapped and nothing is linked.
 */
public final class StubPage {

    /** The length of the mapping: one page, the smallest mapping there is. */
    public static final long BYTES = 4096;

    private StubPage() {
    }

    /**
     * Writes the stubs back to back from offset 0 of a fresh page and links a downcall to each.
     *
     * @param stubs the native operations
     * @param code  each stub's bytes, in order; together at most {@link #BYTES}
     * @return one {@code ()void} handle per stub, in the same order
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if there is no stub, a stub is empty, or they do not fit
     * @throws IllegalStateException    if the mapping, its protection change or the
     *                                  instruction-cache synchronisation was refused
     */
    public static MethodHandle[] link(ExecutableStubs stubs, byte[]... code) {
        Objects.requireNonNull(stubs, "stubs");
        if (code.length == 0) {
            throw new IllegalArgumentException("no stub to link");
        }
        long total = 0;
        for (byte[] c : code) {
            if (Objects.requireNonNull(c, "stub").length == 0) {
                throw new IllegalArgumentException("an empty stub");
            }
            total += c.length;
        }
        if (total > BYTES) {
            throw new IllegalArgumentException(total + " bytes of stubs do not fit in one page");
        }
        MemorySegment page = stubs.mapWritable(BYTES);
        try {
            long at = 0;
            for (byte[] c : code) {
                // The page is ordinary anonymous RAM here, so a bulk copy is fine.
                MemorySegment.copy(MemorySegment.ofArray(c), 0, page, at, c.length);
                at += c.length;
            }
            stubs.makeExecutable(page);
            stubs.synchronizeInstructionCache(page);
            MethodHandle[] handles = new MethodHandle[code.length];
            at = 0;
            for (int i = 0; i < code.length; i++) {
                handles[i] = stubs.link(page.asSlice(at, code[i].length));
                at += code[i].length;
            }
            return handles;
        } catch (RuntimeException e) {
            stubs.unmap(page);
            throw e;
        }
    }

    /**
     * Runs a stub linked by {@link #link}.
     *
     * @param stub        the {@code ()void} handle
     * @param description what the stub is, for the message of a failure
     * @throws IllegalStateException if the downcall failed
     */
    public static void run(MethodHandle stub, String description) {
        try {
            stub.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(description + " failed", t);
        }
    }
}
