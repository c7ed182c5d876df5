package com.example.iomem.demo;

/**
 * Where a byte of the DMA buffer is for the device, and how far the device can go from there
 * without leaving the segment.
 *
 * @param dmaAddress      the DMA address of the byte
 * @param contiguousBytes how many bytes from it on are contiguous in DMA address space (to the
 *                        end of its segment)
 * @param segment         the index of the segment
 */
public record DmaRun(long dmaAddress, long contiguousBytes, int segment) {
}
