/**
 * Register layouts shipped with iomem: QEMU's edu device ({@link dev.iomem.core.regs.layouts.EduLayout})
 * and the NVMe controller registers ({@link dev.iomem.core.regs.layouts.NvmeLayout}).
 */
package dev.iomem.core.regs.layouts;
