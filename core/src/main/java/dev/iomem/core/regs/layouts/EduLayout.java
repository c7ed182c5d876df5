package dev.iomem.core.regs.layouts;

import dev.iomem.api.regs.RegisterLayout;

import java.util.Map;

import static dev.iomem.api.regs.AccessKind.READ_ONLY;
import static dev.iomem.api.regs.AccessKind.READ_WRITE;
import static dev.iomem.api.regs.AccessKind.WRITE_ONLY;

/**
 * The registers of QEMU's {@code edu} teaching device (QEMU {@code docs/specs/edu.rst},
 * {@code hw/misc/edu.c}), BAR0 of 1 MiB. Registers below 0x80 are 32-bit; the DMA registers from
 * 0x80 on are 64-bit (the device accepts 4- or 8-byte accesses there).
 */
public final class EduLayout {

    /** The layout, named {@code "edu"}. */
    public static final RegisterLayout LAYOUT = RegisterLayout.builder("edu")
            .register("ID", 0x00, 32, READ_ONLY, f -> f
                    .field("MAGIC", 0, 16)
                    .field("MINOR", 16, 8)
                    .field("MAJOR", 24, 8))
            .register("LIVENESS", 0x04, 32, READ_WRITE)
            .register("FACTORIAL", 0x08, 32, READ_WRITE)
            .register("STATUS", 0x20, 32, READ_WRITE, f -> f
                    .flag("COMPUTING", 0)
                    .flag("IRQ_ON_FACTORIAL", 7))
            .register("IRQ_STATUS", 0x24, 32, READ_ONLY, f -> f
                    .flag("FACTORIAL", 0)
                    .flag("DMA", 8))
            .register("IRQ_RAISE", 0x60, 32, WRITE_ONLY)
            .register("IRQ_ACK", 0x64, 32, WRITE_ONLY)
            .register("DMA_SRC", 0x80, 64, READ_WRITE)
            .register("DMA_DST", 0x88, 64, READ_WRITE)
            .register("DMA_COUNT", 0x90, 64, READ_WRITE)
            .register("DMA_CMD", 0x98, 64, READ_WRITE, f -> f
                    .flag("START", 0)
                    .field("DIRECTION", 1, 1, Map.of(0L, "ram-to-device", 1L, "device-to-ram"))
                    .flag("IRQ_ON_DONE", 2))
            .build();

    /** The size of edu's BAR0: 1 MiB. */
    public static final long BAR_SIZE = 1 << 20;

    private EduLayout() {
    }
}
