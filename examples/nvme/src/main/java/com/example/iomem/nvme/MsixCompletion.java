package com.example.iomem.nvme;

import dev.iomem.core.vfio.VfioInterrupts;

import java.time.Duration;

/** Completion by MSI-X through VFIO: each vector is an eventfd the driver waits on before reading the phase tag. */
public final class MsixCompletion implements Completion {
    private final VfioInterrupts irqs;
    private long fired;

    public MsixCompletion(VfioInterrupts irqs) {
        this.irqs = irqs;
    }

    @Override
    public boolean interrupts() {
        return true;
    }

    @Override
    public void await(int vector, Duration timeout) {
        if (irqs.await(vector, timeout)) {
            fired++;
        }
    }

    /** {@return how many times a vector fired while the driver waited} */
    public long fired() {
        return fired;
    }

    @Override
    public String describe() {
        return "MSI-X through VFIO (" + irqs.count() + " vectors, eventfds; I/O queue on vector 1)";
    }

    @Override
    public void close() {
        irqs.close();
    }
}
