package dev.sparkllm.engine.cpu;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolTest {

    @Test
    void everyIndexExactlyOnceForManySizes() {
        for (int threads = 1; threads <= 4; threads++) {
            try (WorkerPool pool = new WorkerPool(threads)) {
                for (int n : new int[] {0, 1, 2, 3, 5, 7, 16, 17, 100, 1001}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    int t = threads;
                    pool.parallelFor(n, (worker, from, to) -> {
                        assertTrue(worker >= 0 && worker < t, "worker index " + worker);
                        assertTrue(0 <= from && from < to && to <= n, "range " + from + ".." + to);
                        for (int i = from; i < to; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "threads=" + threads + " n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void workIsSpreadOverThreadsAndWorkerIndexesAreDistinctPerThread() throws Exception {
        try (WorkerPool pool = new WorkerPool(3)) {
            ConcurrentHashMap<Integer, Thread> threadOfWorker = new ConcurrentHashMap<>();
            for (int round = 0; round < 200; round++) {
                pool.parallelFor(64, (worker, from, to) -> {
                    Thread previous = threadOfWorker.putIfAbsent(worker, Thread.currentThread());
                    assertTrue(previous == null || previous == Thread.currentThread(), "worker index moved threads");
                    busyWork(20_000);
                });
            }
            assertSame(Thread.currentThread(), threadOfWorker.get(0), "worker 0 is the caller");
            assertTrue(threadOfWorker.size() >= 2, "only " + threadOfWorker.size() + " worker(s) ever ran");
        }
    }

    @Test
    void exceptionsReachTheCallerAndThePoolStaysUsable() {
        try (WorkerPool pool = new WorkerPool(2)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.parallelFor(100, (worker, from, to) -> {
                if (from <= 50 && 50 < to) throw new IllegalStateException("boom");
            }));
            assertEquals("boom", e.getMessage());
            AtomicInteger sum = new AtomicInteger();
            pool.parallelFor(10, (worker, from, to) -> sum.addAndGet(to - from));
            assertEquals(10, sum.get());
        }
    }

    @Test
    void nestedCallsRunInline() {
        try (WorkerPool pool = new WorkerPool(2)) {
            AtomicInteger inner = new AtomicInteger();
            pool.parallelFor(8, (worker, from, to) -> {
                for (int i = from; i < to; i++) {
                    pool.parallelFor(5, (w2, a, b) -> {
                        assertEquals(worker, w2, "nested call keeps the worker index");
                        inner.addAndGet(b - a);
                    });
                }
            });
            assertEquals(40, inner.get());
        }
    }

    @Test
    void severalCallerThreadsAtOnce() throws Exception {
        try (WorkerPool pool = new WorkerPool(2)) {
            int callers = 4;
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            AtomicInteger failures = new AtomicInteger();
            for (int c = 0; c < callers; c++) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                        for (int round = 0; round < 300; round++) {
                            AtomicIntegerArray hits = new AtomicIntegerArray(37);
                            pool.parallelFor(37, (worker, from, to) -> {
                                for (int i = from; i < to; i++) hits.incrementAndGet(i);
                            });
                            for (int i = 0; i < 37; i++) if (hits.get(i) != 1) failures.incrementAndGet();
                        }
                    } catch (Throwable e) {
                        failures.incrementAndGet();
                    }
                });
                threads.add(t);
                t.start();
            }
            start.countDown();
            for (Thread t : threads) t.join(30_000);
            assertEquals(0, failures.get());
        }
    }

    @Test
    void parkedWorkersWakeUp() throws Exception {
        try (WorkerPool pool = new WorkerPool(2, 1_000)) {       // 1 us of spinning, then park
            for (int round = 0; round < 20; round++) {
                Thread.sleep(2);
                AtomicInteger sum = new AtomicInteger();
                pool.parallelFor(1000, (worker, from, to) -> sum.addAndGet(to - from));
                assertEquals(1000, sum.get());
            }
        }
    }

    @Test
    void closedPoolRunsOnTheCaller() {
        WorkerPool pool = new WorkerPool(2);
        pool.close();
        AtomicInteger sum = new AtomicInteger();
        pool.parallelFor(10, (worker, from, to) -> {
            assertEquals(0, worker);
            sum.addAndGet(to - from);
        });
        assertEquals(10, sum.get());
    }

    @Test
    void parallelFacadeFollowsSetThreads() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(3);
            assertEquals(3, Parallel.threads());
            AtomicInteger sum = new AtomicInteger();
            Parallel.parallelFor(100, (worker, from, to) -> sum.addAndGet(to - from));
            assertEquals(100, sum.get());
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static void busyWork(int iterations) {
        double x = 1;
        for (int i = 0; i < iterations; i++) x = x * 1.0000001 + 1e-9;
        if (x == 42) System.out.print("");
    }
}
