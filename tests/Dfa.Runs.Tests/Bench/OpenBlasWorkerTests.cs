using System.Text.Json;
using Dfa.Core.Tensors;
using Dfa.Runs.Bench;

namespace Dfa.Runs.Tests.Bench;

[TestFixture]
public sealed class OpenBlasWorkerTests
{
    private static readonly GemmShape Tiny = new("tiny", 8, 8, 8, Transpose.Yes);

    [Test]
    public void Run_ReportsBadArguments_AsJsonWithExitCode2()
    {
        var stdout = new StringWriter();
        int exit = OpenBlasWorker.Run("{not json", stdout);
        var output = JsonSerializer.Deserialize<OpenBlasWorkerOutput>(stdout.ToString(), OpenBlasWorker.Json);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(output?.Error, Does.StartWith("bad worker arguments"));
        });
    }

    [Test]
    public void Run_TimesEveryCase_OrSaysOpenBlasIsMissing()
    {
        var stdout = new StringWriter();
        string input = JsonSerializer.Serialize(new OpenBlasWorkerInput([Tiny], [1, 2], 0.01), OpenBlasWorker.Json);
        int exit = OpenBlasWorker.Run(input, stdout);
        var output = JsonSerializer.Deserialize<OpenBlasWorkerOutput>(stdout.ToString(), OpenBlasWorker.Json)!;
        if (exit == 3)
        {
            Assert.That(output.Error, Is.EqualTo(OpenBlas.NotFoundMessage));
            return;
        }

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(output.Corename, Is.Not.Empty);
            Assert.That(output.Results.Select(r => (r.Name, r.Threads)), Is.EqualTo(new[] { ("tiny", 1), ("tiny", 2) }));
            Assert.That(output.Results, Has.All.Matches<OpenBlasWorkerResult>(r => r.Gflops > 0));
        });
    }

    [Test]
    public void ConfigureEnvironment_RemovesTheVariablesThatForceASlowKernel()
    {
        var env = new Dictionary<string, string?>
        {
            ["OPENBLAS_CORETYPE"] = "Prescott",
            ["OPENBLAS_L2_SIZE"] = "1000",
            ["OMP_NUM_THREADS"] = "1",
            ["PATH"] = "/usr/bin",
        };
        OpenBlasWorker.ConfigureEnvironment(env, maxThreads: 2);
        Assert.Multiple(() =>
        {
            Assert.That(env.ContainsKey("OPENBLAS_L2_SIZE"), Is.False);
            Assert.That(env.ContainsKey("OMP_NUM_THREADS"), Is.False);
            Assert.That(env.GetValueOrDefault("OPENBLAS_CORETYPE"), System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? Is.EqualTo("SkylakeX") : Is.Null);
            Assert.That(env["OPENBLAS_NUM_THREADS"], Is.EqualTo("2"));
            Assert.That(env["PATH"], Is.EqualTo("/usr/bin"));
        });
    }

    [Test]
    public void Launch_ReturnsAnError_WhenTheWorkerCannotStart()
    {
        OpenBlasWorkerOutput output = OpenBlasWorker.Launch(
            new OpenBlasWorkerInput([Tiny], [1], 0.01), executable: "/nonexistent/dfa-worker");
        Assert.That(output.Error, Does.StartWith("OpenBLAS worker failed"));
    }

    [Test]
    public void Launch_RunsTheWorkerInACleanEnvironment()
    {
        // The test host runs under `dotnet`; the worker is dfa.dll beside this assembly, run by the same host.
        string dfa = Path.Combine(AppContext.BaseDirectory, "dfa.dll");
        string? host = Environment.ProcessPath;
        Assume.That(File.Exists(dfa) && host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet", "needs dfa.dll run by the dotnet host");

        string? saved = Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE");
        Environment.SetEnvironmentVariable("OPENBLAS_CORETYPE", "Prescott");
        try
        {
            OpenBlasWorkerOutput output = OpenBlasWorker.Launch(
                new OpenBlasWorkerInput([Tiny], [1], 0.01), host, [dfa, .. OpenBlasWorker.WorkerArguments]);
            Assume.That(output.Error, Is.Not.EqualTo(OpenBlas.NotFoundMessage), "OpenBLAS is not installed");
            Assert.Multiple(() =>
            {
                Assert.That(output.Error, Is.Null);
                Assert.That(output.Corename, Is.Not.EqualTo("Prescott").IgnoreCase, "the forced core type leaked into the worker");
                Assert.That(output.Results, Has.Count.EqualTo(1));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENBLAS_CORETYPE", saved);
        }
    }

    [Test]
    public void GemmBench_MeasuresOurKernel_WithoutABaseline()
    {
        IReadOnlyList<BenchResult> results = GemmBench.Run([Tiny], [1, 2], withOpenBlas: false, minSeconds: 0.01, rounds: 1);
        Assert.Multiple(() =>
        {
            Assert.That(results.Select(r => (r.Name, r.Threads)), Is.EqualTo(new[] { ("tiny", 1), ("tiny", 2) }));
            Assert.That(results, Has.All.Matches<BenchResult>(r => r.Value > 0 && r.Unit == "GFLOP/s" && r.Baseline is null && r.Ratio is null));
        });
    }

    [Test]
    public void Launch_HungChild_TimesOutInsteadOfHanging()
    {
        var input = new OpenBlasWorkerInput([new GemmShape("tiny", 8, 8, 8)], [1], 0.01);

        OpenBlasWorkerOutput output = OpenBlasWorker.Launch(input, "/bin/sh", ["-c", "sleep 30"], TimeSpan.FromSeconds(1));

        Assert.That(output.Error, Does.Contain("timed out"));
    }
}
