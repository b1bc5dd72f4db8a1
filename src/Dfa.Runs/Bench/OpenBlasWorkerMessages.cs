namespace Dfa.Runs.Bench;

/// <summary>What the parent asks the OpenBLAS worker to time (serialised as the worker's JSON argument).</summary>
public sealed record OpenBlasWorkerInput(List<GemmShape> Shapes, List<int> Threads, double MinSeconds);

/// <summary>One timed OpenBLAS case.</summary>
public sealed record OpenBlasWorkerResult(string Name, int Threads, double Gflops);

/// <summary>
/// The worker's JSON answer on stdout: the OpenBLAS core it ran (so a slow forced kernel is visible), its
/// results, or an error.
/// </summary>
public sealed record OpenBlasWorkerOutput(string? Corename, List<OpenBlasWorkerResult> Results, string? Error)
{
    public static OpenBlasWorkerOutput Failed(string error) => new(null, [], error);
}
