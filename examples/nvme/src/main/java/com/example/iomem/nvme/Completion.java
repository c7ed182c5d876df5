package com.example.iomem.nvme;

import java.time.Duration;

/**
 * How the driver learns that a completion queue has a new entry. Polling reads the phase tag only;
 * an interrupt source waits for the queue's MSI-X vector first and then reads the phase tag.
 */
public interface Completion extends AutoCloseable {

    /** Polling the phase tag: nothing to wait for. */
    Completion POLLING = new Completion() {
        @Override
        public boolean interrupts() {
            return false;
        }

        @Override
        public void await(int vector, Duration timeout) {
        }

        @Override
        public String describe() {
            return "polling the phase tag";
        }

        @Override
        public void close() {
        }
    };

    /** {@return whether completion queues should be created with interrupts enabled} */
    boolean interrupts();

    /** Waits at most {@code timeout} for {@code vector} to fire (returns early, without error, if it does not). */
    void await(int vector, Duration timeout);

    /** {@return a short label for the report} */
    String describe();

    @Override
    void close();
}
