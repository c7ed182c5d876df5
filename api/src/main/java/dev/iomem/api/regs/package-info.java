/**
 * Register layouts: a device's registers declared once, with their widths, access kinds
 * ({@link dev.iomem.api.regs.AccessKind}), named bit fields and register arrays
 * ({@link dev.iomem.api.regs.RegisterLayout}). Bad declarations are refused when they are made
 * ({@link dev.iomem.api.regs.InvalidLayoutException}). The handles that access a bound layout
 * live in {@code dev.iomem.core.regs}.
 */
package dev.iomem.api.regs;
