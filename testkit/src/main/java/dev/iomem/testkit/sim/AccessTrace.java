package dev.iomem.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Every bus transaction and barrier call, in the order they happened. A {@link SimulatedBus}
 * and its {@link RecordingBarriers} write to the same trace, so the order of accesses and
 * barriers is exact. Safe for use by many threads.
 */
public final class AccessTrace {

    private final List<TraceEntry> entries = new ArrayList<>();

    /** Creates an empty trace. */
    public AccessTrace() {
    }

    /**
     * Appends an entry.
     *
     * @param entry the entry
     */
    public synchronized void record(TraceEntry entry) {
        entries.add(entry);
    }

    /** {@return a snapshot of every entry, oldest first} */
    public synchronized List<TraceEntry> entries() {
        return List.copyOf(entries);
    }

    /** {@return the bus transactions only, oldest first} */
    public synchronized List<TraceEntry> transactions() {
        return entries.stream().filter(TraceEntry::isTransaction).toList();
    }

    /** {@return the number of entries} */
    public synchronized int size() {
        return entries.size();
    }

    /** {@return whether nothing has been recorded} */
    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Forgets every entry. */
    public synchronized void clear() {
        entries.clear();
    }

    /**
     * {@return the entries as lines, at most {@code limit} of them, with a note of how many were left out}
     *
     * @param limit the most lines to show
     */
    public synchronized String format(int limit) {
        return format(entries, limit);
    }

    /**
     * {@return entries as numbered lines, at most {@code limit} of them}
     *
     * @param list  the entries
     * @param limit the most lines to show
     */
    public static String format(List<TraceEntry> list, int limit) {
        if (list.isEmpty()) {
            return "(no accesses, no barriers)";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < list.size() && i < limit; i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append('#').append(i).append(' ').append(list.get(i).describe());
        }
        if (list.size() > limit) {
            sb.append("; ... ").append(list.size() - limit).append(" more");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format(32);
    }
}
