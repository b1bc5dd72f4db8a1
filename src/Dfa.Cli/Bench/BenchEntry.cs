using System.Globalization;
using Dfa.Core.Tensors;

namespace Dfa.Cli.Bench;

/// <summary>
/// Argument handling for the GEMM bench until the command tree wires it: <c>bench --openblas-worker &lt;json&gt;</c>
/// (the child process), <c>bench --gemm [min-seconds] [rounds]</c> (the GEMM table against OpenBLAS) and
/// <c>bench --gemm-one m n k transA threads reps [min-seconds]</c> (one shape, ours only, for tuning).
/// </summary>
internal static class BenchEntry
{
    public static bool TryHandle(string[] args, out int exitCode)
    {
        exitCode = 0;
        if (args.Length >= 3 && args[0] == "bench" && args[1] == "--openblas-worker")
        {
            exitCode = OpenBlasWorker.Run(args[2], Console.Out);
            return true;
        }

        if (args.Length >= 2 && args[0] == "bench" && args[1] == "--gemm")
        {
            double minSeconds = args.Length >= 3 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 0.3;
            Console.WriteLine($"GEMM micro-kernel: {Gemm.KernelDescription}");
            GemmBench.Run(minSeconds: minSeconds, rounds: args.Length >= 4 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2, log: Console.Out);
            return true;
        }

        if (args.Length >= 8 && args[0] == "bench" && args[1] == "--gemm-one")
        {
            int[] v = [.. args[2..8].Select(x => int.Parse(x, CultureInfo.InvariantCulture))];
            var shape = new GemmShape("one", v[0], v[1], v[2], v[3] == 1 ? Transpose.Yes : Transpose.No);
            double seconds = args.Length >= 9 ? double.Parse(args[8], CultureInfo.InvariantCulture) : 1.0;
            for (int i = 0; i < v[5]; i++)
            {
                Console.WriteLine(FormattableString.Invariant($"{shape.M}x{shape.N}x{shape.K} threads={v[4]}: {GemmBench.Measure(shape, v[4], seconds):F1} GFLOP/s"));
            }

            return true;
        }

        return false;
    }
}
