using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Data;
using Dfa.Core.Serialization;
using Dfa.Core.State;
using Dfa.Core.Training;
using Dfa.Runs.Training;

namespace Dfa.Runs.Checkpoints;

/// <summary>
/// A run folder's checkpoint, read for <c>dfa train --resume DIR</c>: the config it was made under (rebuilt from its
/// resolved pairs, or the given <c>--config</c>, with <c>--set</c> applied, and refused if it changes anything but
/// <c>epochs</c> (to grow), <c>verbose</c>, <c>output</c>, <c>checkpoint.*</c> or <c>logging.*</c>) and the state to restore.
/// </summary>
public sealed class ResumePoint
{
    private readonly ModelFile _file;
    private readonly ResumeState _state;
    private readonly TrainerProgress _progress;

    private ResumePoint(string checkpointPath, TrainConfig config, ModelFile file, ResumeState state, TrainerProgress progress)
    {
        CheckpointPath = checkpointPath;
        Config = config;
        _file = file;
        _state = state;
        _progress = progress;
    }

    public string CheckpointPath { get; }

    public TrainConfig Config { get; }

    /// <summary>The config file the run was started from, as its summary names it.</summary>
    public string ConfigLabel => _state.Has("run/config_label") ? _state.Text("run/config_label") : CheckpointPath;

    /// <exception cref="DfaInputException">No checkpoint, a damaged one, or a config that differs from it.</exception>
    /// <param name="folder">The run folder holding the checkpoint.</param>
    /// <param name="configPath">A config file to check against the checkpoint's (null: the checkpoint's own config).</param>
    /// <param name="overrides"><c>--set</c> overrides, applied to the config.</param>
    /// <param name="backends">The registered backends' part of the config schema.</param>
    public static ResumePoint Read(string folder, string? configPath, IReadOnlyList<string> overrides, FeedbackSchema backends)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, CheckpointFile.FileName);
        if (!Directory.Exists(folder))
        {
            throw new DfaInputException($"--resume {folder}: that folder does not exist");
        }

        if (!File.Exists(path))
        {
            throw new DfaInputException($"--resume {folder}: no {CheckpointFile.FileName} in that folder (checkpoint.enabled was false, or the run never finished a step interval or an epoch)");
        }

        ModelFile file = WeightsFile.ReadFile(path);
        ResumeState state = CheckpointFile.StateOf(file);
        IReadOnlyList<string> saved = RunCheckpoint.ConfigPairs(state);
        TrainerProgress progress = CheckpointFile.LoadProgress(state);
        TrainConfig config = configPath is not null
            ? ConfigLoader.Load(configPath, overrides, backends)
            : ConfigLoader.Parse("{}", path, [.. saved, .. overrides], backends);
        RunCheckpoint.ThrowIfChanged(saved, config, progress, path);
        return new ResumePoint(path, config, file, state, progress);
    }

    /// <summary>Puts the checkpoint's state into a freshly built <paramref name="setup"/>; returns where the trainer continues.</summary>
    public RunResume Restore(TrainingSetup setup, Dataset train)
    {
        if (_progress.Order.Length != train.Count)
        {
            throw new DfaInputException($"{CheckpointPath}: made with {_progress.Order.Length} training samples, the data now has {train.Count}");
        }

        RunCheckpoint.Restore(setup, _file, _state);
        return new RunResume(_progress, _state);
    }
}
