using Dfa.Core.Layers;
using Dfa.Core.Tensors;

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

    /// <summary>How many chunks there are; chunk <c>i</c> is <see cref="this[int]"/>.</summary>
    public int Count => _chunks.Length;

    /// <summary>Chunk <paramref name="index"/>: its parameter index, first element and length.</summary>
    public (int Parameter, int Start, int Length) this[int index] => _chunks[index];

    /// <summary>Calls <paramref name="chunk"/>(chunk index) once per chunk, over the pool's threads.</summary>
    public void RunIndexed(Action<int> chunk)
    {
        if (_threads == 1 || _chunks.Length < 2)
        {
            for (int i = 0; i < _chunks.Length; i++)
            {
                chunk(i);
            }

            return;
        }

        WorkerPool.Run(_chunks.Length, _threads, chunk);
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
        WorkerPool.Run(_chunks.Length, _threads, i =>
        {
            (int p, int start, int length) = _chunks[i];
            update(p, start, length);
        });
    }
}
