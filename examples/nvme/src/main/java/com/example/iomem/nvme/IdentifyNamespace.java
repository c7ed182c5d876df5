package com.example.iomem.nvme;

/**
 * The fields of Identify Namespace (CNS 0) the example reports: sizes in blocks, the LBA format in
 * use (FLBAS) with its data size (2^LBADS bytes), metadata size and relative performance.
 */
public record IdentifyNamespace(int nsid, long size, long capacity, long utilization, int formats, int format,
                                int lbads, int metadataSize, int relativePerformance) {

    /** {@return the block size in bytes} */
    public int blockSize() {
        return 1 << lbads;
    }
}
