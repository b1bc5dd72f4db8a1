using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Splits a batch into contiguous sample ranges over the worker pool, for layers whose samples are independent.</summary>
internal static class SampleRanges
{
    /// <summary>
    /// Calls <paramref name="body"/>(first, end) over ranges covering [0, <paramref name="rows"/>): all at once on the
    /// calling thread when <paramref name="threads"/> is 1, else about four ranges per thread, taken dynamically.
    /// </summary>
    public static void Run(int rows, int threads, Action<int, int> body)
    {
        if (threads <= 1 || rows < 2)
        {
            body(0, rows);
            return;
        }

        int pieces = Math.Min(rows, 4 * threads);
        WorkerPool.Run(pieces, threads, p => body((int)((long)rows * p / pieces), (int)((long)rows * (p + 1) / pieces)));
    }
}
