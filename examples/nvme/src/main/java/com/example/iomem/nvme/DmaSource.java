package com.example.iomem.nvme;

/** Where the driver's queues and buffers come from: page-aligned, pinned, and mapped for the controller. */
public interface DmaSource extends AutoCloseable {

    /** {@return a page-aligned region of {@code bytes} (a multiple of 4 KiB), zeroed and mapped for the device} */
    DmaRegion allocate(long bytes);

    /** {@return the address space of the tables, as a person reads it (IOVA, physical)} */
    String describe();

    /** Unmaps every table this source gave out, once. */
    @Override
    void close();
}
