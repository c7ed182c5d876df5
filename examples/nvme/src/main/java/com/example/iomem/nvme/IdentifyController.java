package com.example.iomem.nvme;

/** The fields of Identify Controller (CNS 1) the example reports. */
public record IdentifyController(int vendorId, String serial, String model, String firmware, int mdts, long namespaces) {
}
