using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Training;
using Dfa.Runs.Data;
using Dfa.Runs.Files;

namespace Dfa.Runs.Training;

/// <summary>One run of a batch: its label (also its subfolder's name) and its config.</summary>
public sealed record RunSpec(string Label, TrainConfig Config, string ConfigLabel);

/// <summary>A finished member of a batch.</summary>
public sealed record RunRecord(RunSpec Spec, TrainingSetup Setup, RunOutcome Outcome, string Folder, int TrainSamples);

/// <summary>
/// Runs several configs one after another, each into <c>OUT/&lt;label&gt;/</c> through <see cref="TrainingRun"/>, behind
/// one progress display (the host's <see cref="IRunView"/>). Datasets are
/// loaded once per distinct data section and seed, so a comparison's members train on the same samples. Every config
/// is built before the first run starts, so a bad member fails the batch before any training time is spent. A member
/// folder from a previous batch keeps its run: its outputs are moved aside into <c>previous-N/</c> (as <c>dfa train</c>
/// does), and a member folder holding anything else is refused before training starts.
/// </summary>
public static class RunBatch
{
    public static IReadOnlyList<RunRecord> Execute(
        IReadOnlyList<RunSpec> specs, string outFolder, string? dataFolder, FeedbackBackendRegistry registry, IRunView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(view);
        if (specs.Select(s => s.Label).Distinct(StringComparer.Ordinal).Count() != specs.Count)
        {
            throw new ArgumentException("Run labels must be distinct.", nameof(specs));
        }

        var data = new Dictionary<(DataConfig, ulong), (Dataset Train, Dataset? Validation, Dataset Test)>();
        var prepared = new List<(RunSpec Spec, TrainingSetup Setup, (Dataset Train, Dataset? Validation, Dataset Test) Data)>();
        foreach (RunSpec spec in specs)
        {
            // Before any training: a member folder that holds something other than a Dfa run is refused.
            RunFolders.CheckTarget(Path.Combine(outFolder, spec.Label), $"member {spec.Label}'s folder", "move its files elsewhere or give another --out");
            var key = (spec.Config.Data, spec.Config.Seed);
            if (!data.TryGetValue(key, out var sets))
            {
                sets = DataSources.Load(spec.Config, dataFolder, view.Info);
                data[key] = sets;
            }

            try
            {
                prepared.Add((spec, TrainingSetup.For(spec.Config, sets.Train, registry), sets));
            }
            catch (DfaInputException ex)
            {
                throw new DfaInputException($"{spec.Label}: {ex.Message}");
            }
        }

        var records = new List<RunRecord>();
        view.Show([.. prepared.Select(p => p.Spec)], (i, observer) =>
        {
            var p = prepared[i];
            string memberPath = Path.Combine(outFolder, p.Spec.Label);

            // A previous run in this member's folder (a rerun of the same comparison, experiment or study) is kept.
            if (RunFolders.SetAside(memberPath) is { } previous)
            {
                view.Info($"{p.Spec.Label}: the previous run's outputs moved aside into {p.Spec.Label}/{previous}/");
            }

            OutputFolder folder = OutputFolder.Claim(memberPath);
            var inputs = new RunInputs(p.Spec.Config, p.Spec.ConfigLabel, p.Setup, p.Data.Train, p.Data.Validation, p.Data.Test, folder);
            RunOutcome outcome = TrainingRun.Execute(inputs, registry, observer, view.Plotter, cancellationToken);
            records.Add(new RunRecord(p.Spec, p.Setup, outcome, folder.Path, p.Data.Train.Count));
            return records[^1];
        });
        return records;
    }
}
