package dev.iomem.arch.x86;

import dev.iomem.core.NativeAccess;
import dev.iomem.core.stubs.NativeExecutableStubs;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the x86-64 machine-code routines ({@link X86CopyRoutines}, {@link X86ScalarRoutines})
 * share: when they can be linked in this JVM, and the outcome of linking a page of them once.
 *
 * @param handles the linked handles, or {@code null} if linking failed
 * @param cause   why linking failed, or {@code null}
 */
record X86RoutineLinking(List<MethodHandle> handles, String cause) {

    private static final Set<String> ARCHES = Set.of("amd64", "x86_64");

    /**
     * Checks that routines can be linked here.
     *
     * @throws IllegalStateException if this is not an x86-64 JVM or native access is not enabled
     *                               for dev.iomem.core
     */
    static void requireLinkable() {
        String arch = System.getProperty("os.arch", "unknown");
        if (!ARCHES.contains(arch)) {
            throw new IllegalStateException("os.arch is " + arch + ", not x86-64");
        }
        if (!NativeAccess.enabledFor(NativeExecutableStubs.class)) {
            throw new IllegalStateException("native access is not enabled for dev.iomem.core");
        }
    }

    /**
     * Links once and keeps either the handles or the reason there are none.
     *
     * @param link what links the page
     * @return the outcome; never throws
     */
    static X86RoutineLinking attempt(Supplier<List<MethodHandle>> link) {
        try {
            return new X86RoutineLinking(link.get(), null);
        } catch (IllegalStateException e) {
            return new X86RoutineLinking(null, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            return new X86RoutineLinking(null, e.toString());
        }
    }

    /** {@return handle {@code i}, or {@code null} if linking failed} */
    MethodHandle handle(int i) {
        return handles == null ? null : handles.get(i);
    }
}
