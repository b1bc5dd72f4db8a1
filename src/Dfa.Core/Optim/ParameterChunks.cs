using Dfa.Core.Layers;

namespace Dfa.Core.Optim;

/// <summary>
/// Splits a parameter list into fixed chunks of at most <see cref="ChunkSize"/> elements so an element-wise update can
/// run on several threads. The partition depends only on the parameter shapes, and every element is updated by the
/// same arithmetic whichever thread takes its chunk, so results are bit-identical for any thread count.
/// </summary>
internal sealed class ParameterChunks
{
    /// <summary>64 KiB of floats per array: big enough to amortise scheduling, small enough to balance two cores.</summary>
    public const int ChunkSize = 16384;

    private readonly (int Parameter, int Start, int Length)[] _chunks;
    private readonly int _threads;

    public ParameterChunks(Parameter[] parameters, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var chunks = new List<(int, int, int)>();
        for (int p = 0; p < parameters.Length; p++)
        {
            int length = parameters[p].Value.Length;
            for (int start = 0; start < length; start += ChunkSize)
            {
                chunks.Add((p, start, Math.Min(ChunkSize, length - start)));
            }
        }

        _chunks = [.. chunks];
        _threads = threads;
    }

    /// <summary>Calls <paramref name="update"/>(parameter index, start, length) once per chunk.</summary>
    public void Run(Action<int, int, int> update)
    {
        if (_threads == 1 || _chunks.Length < 2)
        {
            foreach ((int p, int start, int length) in _chunks)
            {
                update(p, start, length);
            }

            return;
        }

        RunParallel(update);
    }

    // Separate so the closure Parallel.For needs is only allocated on this path: the single-threaded one must not allocate.
    private void RunParallel(Action<int, int, int> update)
    {
        Parallel.For(0, _chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = _threads }, i =>
        {
            (int p, int start, int length) = _chunks[i];
            update(p, start, length);
        });
    }
}
