package dev.iomem.core.vfio;

/**
 * What {@code VFIO_DEVICE_GET_IRQ_INFO} reports for one interrupt index.
 *
 * @param type       the index
 * @param count      how many vectors the device offers there (0: none)
 * @param eventfd    whether the index signals through eventfds
 * @param maskable   whether vectors can be masked and unmasked
 * @param automasked whether the kernel masks the vector when it fires (INTx)
 * @param noResize   whether enabled vectors cannot be added to without disabling first (MSI)
 */
public record VfioIrqInfo(IrqType type, int count, boolean eventfd, boolean maskable, boolean automasked, boolean noResize) {
}
