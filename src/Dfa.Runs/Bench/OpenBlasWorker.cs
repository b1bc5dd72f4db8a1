using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dfa.Runs.Bench;

/// <summary>
/// Times OpenBLAS in a child process. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on benchmark machines and
/// pin OpenBLAS to a slow kernel; they are read once when the library loads, so the only way to give the baseline
/// its best kernel is a fresh process whose environment does not carry them.
/// </summary>
public static class OpenBlasWorker
{
    /// <summary>The arguments after the executable that make <c>dfa</c> run <see cref="Run"/> with the JSON that follows.</summary>
    public static readonly IReadOnlyList<string> WorkerArguments = ["bench", "--openblas-worker"];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// The worker entry point: reads an <see cref="OpenBlasWorkerInput"/> from <paramref name="argsJson"/>, times
    /// every case with <see cref="GflopsTimer"/> and writes an <see cref="OpenBlasWorkerOutput"/> as one JSON line.
    /// Returns 0 on success, 2 for bad arguments, 3 when OpenBLAS is missing.
    /// </summary>
    public static int Run(string argsJson, TextWriter stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        OpenBlasWorkerInput? input;
        try
        {
            input = JsonSerializer.Deserialize<OpenBlasWorkerInput>(argsJson, Json);
        }
        catch (JsonException e)
        {
            input = null;
            stdout.WriteLine(JsonSerializer.Serialize(OpenBlasWorkerOutput.Failed($"bad worker arguments: {e.Message}"), Json));
            return 2;
        }

        if (input is null)
        {
            stdout.WriteLine(JsonSerializer.Serialize(OpenBlasWorkerOutput.Failed("bad worker arguments: null"), Json));
            return 2;
        }

        if (!OpenBlas.TryLoad(out string error))
        {
            stdout.WriteLine(JsonSerializer.Serialize(OpenBlasWorkerOutput.Failed(error), Json));
            return 3;
        }

        var results = new List<OpenBlasWorkerResult>();
        foreach (GemmShape s in input.Shapes)
        {
            (float[] a, float[] b, float[] c) = GemmBench.Operands(s);
            foreach (int t in input.Threads)
            {
                OpenBlas.SetNumThreads(t);
                double gflops = GflopsTimer.BestGflops(
                    () => OpenBlas.Sgemm(s.TransA == Core.Tensors.Transpose.Yes, s.TransB == Core.Tensors.Transpose.Yes, s.M, s.N, s.K, 1f, a, s.ColsA, b, s.ColsB, 0f, c, s.N),
                    s.Flops,
                    input.MinSeconds);
                results.Add(new OpenBlasWorkerResult(s.Name, t, gflops));
            }
        }

        stdout.WriteLine(JsonSerializer.Serialize(new OpenBlasWorkerOutput(OpenBlas.Corename(), results, null), Json));
        return 0;
    }

    /// <summary>
    /// Starts the worker as a child of the running executable (or <paramref name="executable"/> with
    /// <paramref name="arguments"/> before the JSON), with the OpenBLAS tuning variables removed, and parses its
    /// answer. Never throws for a missing library or a failed child: the output then carries an error.
    /// </summary>
    public static OpenBlasWorkerOutput Launch(
        OpenBlasWorkerInput input, string? executable = null, IReadOnlyList<string>? arguments = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        if (executable is null)
        {
            string? self = Environment.ProcessPath;
            if (self is null)
            {
                return OpenBlasWorkerOutput.Failed("cannot locate the running executable to start the OpenBLAS worker");
            }

            psi.FileName = self;

            // Under `dotnet dfa.dll` the process is the host; the worker must name the app again.
            if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                string? entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
                if (!string.IsNullOrEmpty(entry))
                {
                    psi.ArgumentList.Add(entry);
                }
            }
        }
        else
        {
            psi.FileName = executable;
        }

        foreach (string arg in arguments ?? WorkerArguments)
        {
            psi.ArgumentList.Add(arg);
        }

        psi.ArgumentList.Add(JsonSerializer.Serialize(input, Json));
        ConfigureEnvironment(psi.Environment, input.Threads.DefaultIfEmpty(1).Max());

        try
        {
            using Process child = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
            Task<string> stderr = child.StandardError.ReadToEndAsync();
            Task<string> stdoutTask = child.StandardOutput.ReadToEndAsync();

            // Both pipes are drained asynchronously: a synchronous read would block until the child exits and the
            // timeout could never fire.
            if (!child.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
            {
                child.Kill(entireProcessTree: true);
                return OpenBlasWorkerOutput.Failed("OpenBLAS worker timed out");
            }

            string stdout = stdoutTask.Result;

            string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .LastOrDefault(l => l.StartsWith('{'));
            if (line is null)
            {
                return OpenBlasWorkerOutput.Failed($"OpenBLAS worker exited with code {child.ExitCode} and no result: {stderr.Result.Trim()}");
            }

            return JsonSerializer.Deserialize<OpenBlasWorkerOutput>(line, Json)
                ?? OpenBlasWorkerOutput.Failed("OpenBLAS worker printed null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or JsonException)
        {
            return OpenBlasWorkerOutput.Failed($"OpenBLAS worker failed: {e.Message}");
        }
    }

    /// <summary>
    /// Removes the variables that force an OpenBLAS kernel or cache size. On AVX-512 hardware SkylakeX is named
    /// explicitly because some OpenBLAS builds detect newer AVX-512 cores as an older, narrower family.
    /// </summary>
    internal static void ConfigureEnvironment(IDictionary<string, string?> environment, int maxThreads)
    {
        environment.Remove("OPENBLAS_CORETYPE");
        environment.Remove("OPENBLAS_L2_SIZE");
        if (Avx512F.IsSupported)
        {
            environment["OPENBLAS_CORETYPE"] = "SkylakeX";
        }

        // The pthread build sizes its pool from this at load; make sure the largest requested count is available.
        environment["OPENBLAS_NUM_THREADS"] = maxThreads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment.Remove("OMP_NUM_THREADS");
    }
}
