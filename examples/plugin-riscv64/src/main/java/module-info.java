/**
 * An out-of-tree iomem backend for riscv64, after the kernel's arch/riscv/include/asm/mmio.h:
 * naturally aligned 1/2/4/8-byte accesses, lib/iomem_copy.c copies, "fence i,ir" after ordered
 * reads and "fence w,o" before ordered writes from native machine-code stubs. See the package
 * documentation of com.example.iomem.riscv64.
 */
module com.example.iomem.riscv64 {
    requires dev.iomem.api;
    requires dev.iomem.core;

    exports com.example.iomem.riscv64;

    provides dev.iomem.spi.ArchBackend with com.example.iomem.riscv64.Riscv64Backend;
}
