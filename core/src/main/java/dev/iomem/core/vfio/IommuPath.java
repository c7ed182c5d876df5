package dev.iomem.core.vfio;

/**
 * How a device reaches its IOMMU through VFIO (Documentation/driver-api/vfio.rst).
 */
public enum IommuPath {
    /**
     * The legacy path: the IOMMU group's {@code /dev/vfio/N} attached to a container
     * {@code /dev/vfio/vfio} with the type1v2 IOMMU; the device fd comes from
     * {@code VFIO_GROUP_GET_DEVICE_FD}.
     */
    GROUP_CONTAINER,
    /**
     * The device's own character device {@code /dev/vfio/devices/vfioN}, bound to
     * {@code /dev/iommu} and attached to an I/O address space (IOAS) there (Linux 6.6+ with
     * {@code CONFIG_VFIO_DEVICE_CDEV}).
     */
    IOMMUFD;

    /** {@return the text the CLI and messages use: {@code group-container} or {@code iommufd}} */
    public String label() {
        return this == GROUP_CONTAINER ? "group-container" : "iommufd";
    }
}
