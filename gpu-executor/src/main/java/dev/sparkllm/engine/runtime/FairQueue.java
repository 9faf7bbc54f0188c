package dev.sparkllm.engine.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Waiting sequences, shared fairly between users by start-time fair queuing at token level: a
 * sequence's cost is its prompt plus its max_tokens, divided by its user's weight; its start tag is
 * the later of the queue's virtual time and the finish tag of its user's previous sequence. The
 * smallest start tag goes first, so users with work waiting get tokens in proportion to their
 * weights, and a user who was idle does not bank credit (the virtual time moved on without them).
 * This is the same virtual-time rule as the UWFQ scheduler, applied to sequences instead of Spark
 * jobs. Within one user, sequences keep their submission order (the planner's group order).
 */
final class FairQueue {
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private double virtualTime;
    private int size;

    private static final class Lane {
        final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
        double lastFinish;
    }

    int size() { return size; }
    boolean isEmpty() { return size == 0; }

    /** A newly submitted sequence, tagged now. */
    void add(Sequence s) {
        Lane lane = lanes.computeIfAbsent(s.submission.user, u -> new Lane());
        double cost = (double) s.maxPositions() / s.submission.weight;
        s.startTag = Math.max(virtualTime, lane.lastFinish);
        lane.lastFinish = s.startTag + cost;
        lane.waiting.addLast(s);
        size++;
    }

    /** A preempted sequence goes back to the front of its lane with the tag it had. */
    void addFront(Sequence s) {
        lanes.computeIfAbsent(s.submission.user, u -> new Lane()).waiting.addFirst(s);
        size++;
    }

    /** The sequence is admitted: it leaves the queue and the virtual time reaches its tag. */
    void remove(Sequence s) {
        Lane lane = lanes.get(s.submission.user);
        if (lane != null && lane.waiting.remove(s)) {
            size--;
            virtualTime = Math.max(virtualTime, s.startTag);
        }
    }

    /** Removes (and returns) every waiting sequence matching {@code which}. */
    List<Sequence> removeIf(Predicate<Sequence> which) {
        List<Sequence> removed = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            for (Iterator<Sequence> it = lane.waiting.iterator(); it.hasNext(); ) {
                Sequence s = it.next();
                if (which.test(s)) {
                    it.remove();
                    removed.add(s);
                    size--;
                }
            }
        }
        lanes.values().removeIf(l -> l.waiting.isEmpty() && l.lastFinish <= virtualTime);
        return removed;
    }

    /**
     * Up to {@code limit} waiting sequences in the order they should be admitted: by start tag
     * across users, submission order within a user.
     */
    List<Sequence> candidates(int limit) {
        List<Iterator<Sequence>> cursors = new ArrayList<>();
        List<Sequence> heads = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            Iterator<Sequence> it = lane.waiting.iterator();
            if (it.hasNext()) {
                cursors.add(it);
                heads.add(it.next());
            }
        }
        List<Sequence> out = new ArrayList<>(Math.min(limit, size));
        while (out.size() < limit && !heads.isEmpty()) {
            int best = 0;
            for (int i = 1; i < heads.size(); i++) {
                if (heads.get(i).startTag < heads.get(best).startTag) best = i;
            }
            out.add(heads.get(best));
            if (cursors.get(best).hasNext()) {
                heads.set(best, cursors.get(best).next());
            } else {
                heads.remove(best);
                cursors.remove(best);
            }
        }
        return out;
    }
}
