/**
 * The x86-64 backend: the kernel's arch/x86/lib/iomem.c rules over FFM plain accesses between
 * compiler-only fences (one mov each at every JIT tier), with machine-code routines for copies,
 * fills and unaligned scalars.
 */
@SuppressWarnings("module") // the architecture's name ends in digits
module dev.iomem.arch.x86 {
    requires transitive dev.iomem.api;
    requires transitive dev.iomem.core;

    exports dev.iomem.arch.x86;

    provides dev.iomem.spi.ArchBackend with dev.iomem.arch.x86.X86Backend;
}
