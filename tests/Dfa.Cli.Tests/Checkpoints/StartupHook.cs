using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Dfa.Runs.Training;

/// <summary>
/// A .NET startup hook (the runtime calls <see cref="Initialize"/> in a process started with
/// <c>DOTNET_STARTUP_HOOKS</c> naming this assembly) that lets <see cref="Dfa.Cli.Tests.Checkpoints.KillAndResumeTests"/>
/// hold a real <c>dfa</c> child at an exact step: it sets <see cref="TrainingRun.StepCompletedHook"/> to print
/// <c>hanging at step N</c> and sleep after step N, N read from <see cref="HangAtStepVariable"/>. The variable is read
/// here, in the test assembly; the product reads none.
/// </summary>
[SuppressMessage("Design", "CA1050:Declare types in namespaces", Justification = "The runtime's startup-hook contract: a type named StartupHook outside any namespace.")]
internal static class StartupHook
{
    public const string HangAtStepVariable = "DFA_KILL_TEST_HANG_AT_STEP";

    public static void Initialize()
    {
        if (!long.TryParse(Environment.GetEnvironmentVariable(HangAtStepVariable), CultureInfo.InvariantCulture, out long hangAt))
        {
            return;
        }

        TrainingRun.StepCompletedHook = step =>
        {
            if (step == hangAt)
            {
                Console.Out.WriteLine($"hanging at step {step}");
                Console.Out.Flush();
                Thread.Sleep(Timeout.Infinite);
            }
        };
    }
}
