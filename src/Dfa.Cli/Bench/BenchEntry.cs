using System.Globalization;
using Dfa.Core.Tensors;

namespace Dfa.Cli.Bench;

/// <summary>
/// Argument handling for the GEMM bench until the command tree wires it: <c>bench --openblas-worker &lt;json&gt;</c>
/// (the child process) and <c>bench --gemm [min-seconds]</c> (the GEMM table against OpenBLAS).
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
            GemmBench.Run(minSeconds: minSeconds, log: Console.Out);
            return true;
        }

        return false;
    }
}
