/**
 * The arm64 backend: lib/iomem_copy.c rules, natural alignment, and dmb oshld/oshst and dsb st barriers from
 * native machine-code stubs, degrading (and saying so in probe()) to the JVM's dmb ish* fences where the
 * stubs cannot be made. See the package documentation of dev.iomem.arch.arm64.
 */
@SuppressWarnings("module") // the architecture's name ends in digits
module dev.iomem.arch.arm64 {
    requires transitive dev.iomem.api;
    requires transitive dev.iomem.core;

    exports dev.iomem.arch.arm64;

    provides dev.iomem.spi.ArchBackend with dev.iomem.arch.arm64.Arm64Backend;
}
