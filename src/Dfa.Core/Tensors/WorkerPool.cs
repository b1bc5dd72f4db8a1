using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Dfa.Core.Tensors;

/// <summary>
/// A process-wide pool of persistent worker threads for the kernels' fork-joins (GEMM, optimizer chunks,
/// convolutions, feedback projections). <see cref="Run"/> hands indices <c>0 … count − 1</c> to the calling thread and
/// up to <c>maxThreads − 1</c> workers, each taking the next unclaimed index, and returns when every index is done.
/// </summary>
/// <remarks>
/// <para>A training step makes a dozen fork-joins a few hundred µs apart. Handing each to the .NET thread pool
/// (<c>Parallel.For</c>) costs tens of µs of wake-up, and a worker that went to sleep between two of them often
/// starts after the caller has done most of the work. Here a worker that finishes spins for
/// <see cref="SpinMicroseconds"/> before it parks on its own semaphore, so the next fork-join of a step finds it
/// awake.</para>
/// <para>A worker that has not picked its job up by the time the caller has run out of indices is revoked instead of
/// waited for (on a loaded machine it may not get a core for a whole time slice). Calls made from inside a body, from
/// a worker, or while another thread's call is in flight run all their indices on the calling thread. None of this
/// changes results: callers split work so that an element's arithmetic does not depend on who computes it.</para>
/// <para>No call uses more threads than the machine has cores (<see cref="Environment.ProcessorCount"/>): on a 2-core
/// machine <c>threads: 4</c> runs on two.</para>
/// </remarks>
public static class WorkerPool
{
    /// <summary>How long an idle worker spins for the next job before it parks.</summary>
    public const int SpinMicroseconds = 100;

    private const int Idle = 0;
    private const int Posted = 1;
    private const int Running = 2;

    private static readonly long SpinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
    private static readonly Lock Growth = new();
    private static Worker[] s_workers = [];
    private static int s_busy;

    // The job in flight; written by the owner of s_busy before any worker is posted.
    private static Action<int>? s_body;
    private static int s_count;
    private static int s_next;
    private static ExceptionDispatchInfo? s_error;

    [ThreadStatic]
    private static bool t_inside;

    /// <summary>
    /// Calls <paramref name="body"/>(i) once for every <c>i</c> in <c>[0, count)</c>, on the calling thread and at
    /// most <paramref name="maxThreads"/> − 1 workers, and returns when all calls have returned. The first exception a
    /// call throws is rethrown here after the others have finished.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxThreads"/> is below 1.</exception>
    public static void Run(int count, int maxThreads, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxThreads, 1);
        int helpers = Math.Min(Math.Min(maxThreads, count), Environment.ProcessorCount) - 1;
        if (helpers <= 0 || t_inside || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            Worker[] workers = EnsureWorkers(helpers);
            s_body = body;
            s_count = count;
            s_next = 0;
            s_error = null;
            for (int w = 0; w < helpers; w++)
            {
                workers[w].Post();
            }

            t_inside = true;
            try
            {
                Participate();
            }
            finally
            {
                t_inside = false;
                for (int w = 0; w < helpers; w++)
                {
                    workers[w].Join();
                }

                s_body = null;
            }

            s_error?.Throw();
        }
        finally
        {
            s_error = null;
            Volatile.Write(ref s_busy, 0);
        }
    }

    private static void Participate()
    {
        Action<int> body = s_body!;
        int count = s_count;
        try
        {
            for (int i = Interlocked.Increment(ref s_next) - 1; i < count; i = Interlocked.Increment(ref s_next) - 1)
            {
                body(i);
            }
        }
        catch (Exception ex)
        {
            // Stop everyone taking new indices; the first error wins.
            Volatile.Write(ref s_next, count);
            Interlocked.CompareExchange(ref s_error, ExceptionDispatchInfo.Capture(ex), null);
        }
    }

    private static Worker[] EnsureWorkers(int helpers)
    {
        Worker[] workers = Volatile.Read(ref s_workers);
        if (workers.Length >= helpers)
        {
            return workers;
        }

        lock (Growth)
        {
            workers = s_workers;
            if (workers.Length < helpers)
            {
                var grown = new Worker[helpers];
                workers.CopyTo(grown, 0);
                for (int w = workers.Length; w < helpers; w++)
                {
                    grown[w] = new Worker(w);
                }

                Volatile.Write(ref s_workers, grown);
                workers = grown;
            }

            return workers;
        }
    }

    private sealed class Worker
    {
        private readonly SemaphoreSlim _signal = new(0);
        private long _generation;
        private int _parked;
        private int _state;

        public Worker(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"dfa-worker-{index + 1}" };
            thread.Start();
        }

        public void Post()
        {
            Volatile.Write(ref _state, Posted);
            Interlocked.Increment(ref _generation);
            if (Interlocked.CompareExchange(ref _parked, 0, 1) == 1)
            {
                _signal.Release();
            }
        }

        /// <summary>Waits until this worker is done with the job, or revokes it if it never started.</summary>
        public void Join()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Posted) == Posted)
            {
                return;
            }

            var spin = default(SpinWait);
            while (Volatile.Read(ref _state) != Idle)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }
        }

        private void Loop()
        {
            t_inside = true;
            long seen = 0;
            while (true)
            {
                seen = WaitForPost(seen);
                if (Interlocked.CompareExchange(ref _state, Running, Posted) != Posted)
                {
                    continue; // revoked: the caller finished the job alone
                }

                Participate();
                Volatile.Write(ref _state, Idle);
            }
        }

        private long WaitForPost(long seen)
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                long generation = Volatile.Read(ref _generation);
                if (generation != seen)
                {
                    return generation;
                }

                if (Stopwatch.GetTimestamp() - start < SpinTicks)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                Interlocked.Exchange(ref _parked, 1);
                if (Volatile.Read(ref _generation) != seen && Interlocked.CompareExchange(ref _parked, 0, 1) == 1)
                {
                    continue; // a post arrived while parking, and its poster has not taken the release on it
                }

                _signal.Wait();
                start = Stopwatch.GetTimestamp();
            }
        }
    }
}
