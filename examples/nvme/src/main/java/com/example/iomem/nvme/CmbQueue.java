package com.example.iomem.nvme;

import dev.iomem.api.IoAccessor;

/**
 * A submission queue in the controller memory buffer: the CPU writes its entries through the CMB's
 * BAR ({@link #io()} at {@link #offset()}); the controller is told the queue's address in the
 * address space it decodes its own CMB in ({@link #controllerAddress()}), as a DMA table of
 * {@link #addressSpace()} gave it.
 */
public record CmbQueue(IoAccessor io, long offset, long controllerAddress, String addressSpace, String why) {
}
