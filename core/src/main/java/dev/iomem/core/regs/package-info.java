/**
 * Typed register blocks: a {@link dev.iomem.api.regs.RegisterLayout} bound once to a window
 * ({@link dev.iomem.core.regs.RegisterBlock#bind}) gives allocation-free register and field
 * handles ({@link dev.iomem.core.regs.Register}, {@link dev.iomem.core.regs.Field}) and a
 * side-effect-free dump ({@link dev.iomem.core.regs.RegisterBlock#describe()}).
 */
package dev.iomem.core.regs;
