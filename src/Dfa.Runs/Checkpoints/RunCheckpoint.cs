using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dfa.Core;
using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Serialization;
using Dfa.Core.State;
using Dfa.Core.Training;
using Dfa.Runs.Training;

namespace Dfa.Runs.Checkpoints;

/// <summary>
/// What a run's <c>checkpoint.bin</c> holds beyond the network's tensors, and how <c>dfa train --resume</c> puts it back:
/// <list type="bullet">
/// <item><c>progress/…</c>: the trainer's position (<see cref="TrainerProgress"/>): epoch, batch, steps, the partial
/// epoch's loss sum and correct count, the epoch's permutation, the shuffle generator, the completed epochs' metrics;</item>
/// <item><c>optimizer/…</c>: the optimizer's step counts and buffers (Adam, SGD, HDFA's two moment sets, the warm-up's two optimizers);</item>
/// <item><c>algorithm/…</c>: HDFA's draw generator and counters, the modular/hybrid warm-up clock, every projector's
/// action counts and moving state (the optical noise stream); feedback matrices are rebuilt from their seed;</item>
/// <item><c>layer/BLOCK/INDEX/rng</c>: each dropout layer's mask generator (BatchNorm statistics are network buffers);</item>
/// <item><c>config/pairs</c> and <c>config/sha256</c>: the resolved config as <c>key=value</c> lines and their SHA-256.</item>
/// </list>
/// </summary>
public static class RunCheckpoint
{
    /// <summary>Config keys a resumed run may change: they do not touch the training trajectory (<c>epochs</c> may only grow).</summary>
    private static readonly string[] MutablePrefixes = ["verbose", "output", "checkpoint.", "logging."];

    /// <summary>The checkpoint bytes: the network, <paramref name="progress"/>, the optimizer, algorithm and layer state, the config, and whatever <paramref name="extra"/> saves (the run's config label, its alignment history).</summary>
    public static byte[] ToBytes(TrainingSetup setup, TrainConfig config, TrainerProgress progress, Action<ResumeState>? extra = null)
    {
        var state = new ResumeState();
        extra?.Invoke(state);
        CheckpointFile.SaveProgress(state, progress);
        string pairs = PairsText(ConfigLoader.Describe(config));
        state.SetText("config/pairs", pairs);
        state.SetText("config/sha256", Sha256(pairs));
        Resumable(setup.Optimizer).SaveState(state, "optimizer/");
        (setup.Algorithm as IResumable)?.SaveState(state, "algorithm/");
        foreach ((IResumable layer, string prefix) in Layers(setup.Network))
        {
            layer.SaveState(state, prefix);
        }

        return WeightsFile.ToBytes(setup.Network, state);
    }

    /// <summary>The checkpoint's resolved config as <c>key=value</c> overrides, after checking its hash.</summary>
    public static IReadOnlyList<string> ConfigPairs(ResumeState state)
    {
        string pairs = state.Text("config/pairs");
        if (Sha256(pairs) != state.Text("config/sha256"))
        {
            throw new DfaInputException($"{state.DisplayName}: the config's SHA-256 does not match its text (a damaged checkpoint)");
        }

        return pairs.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Refuses <paramref name="now"/> unless it equals the checkpoint's config up to the keys a resume may change.</summary>
    /// <exception cref="DfaInputException">Naming the first key that differs, with both values.</exception>
    public static void ThrowIfChanged(IReadOnlyList<string> saved, TrainConfig now, TrainerProgress progress, string displayName)
    {
        Dictionary<string, string> before = saved.Select(Split).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        foreach ((string key, string value) in ConfigLoader.Describe(now))
        {
            string old = before.GetValueOrDefault(key, "(absent)");
            if (old == value || MutablePrefixes.Any(p => key == p || (p.EndsWith('.') && key.StartsWith(p, StringComparison.Ordinal))))
            {
                continue;
            }

            if (key == "epochs" && int.TryParse(old, CultureInfo.InvariantCulture, out int planned))
            {
                if (now.Epochs >= progress.Epoch && now.Epochs >= planned)
                {
                    continue;
                }

                throw new DfaInputException($"{displayName}: epochs can only grow on --resume (the checkpoint planned {planned}, {progress.Epoch} done; asked for {now.Epochs})");
            }

            throw new DfaInputException(
                $"{displayName}: the config differs from the checkpoint's: {key} is {old} in the checkpoint, {value} now (--resume may change only epochs (to grow), verbose, output, checkpoint.* and logging.*)");
        }
    }

    /// <summary>Restores the network, optimizer, algorithm and layers of a freshly built <paramref name="setup"/>.</summary>
    public static void Restore(TrainingSetup setup, ModelFile file, ResumeState state)
    {
        CheckpointFile.RestoreNetwork(file, setup.Network);
        try
        {
            Resumable(setup.Optimizer).RestoreState(state, "optimizer/");
            (setup.Algorithm as IResumable)?.RestoreState(state, "algorithm/");
            foreach ((IResumable layer, string prefix) in Layers(setup.Network))
            {
                layer.RestoreState(state, prefix);
            }
        }
        catch (ArgumentException ex)
        {
            throw new DfaInputException($"{state.DisplayName}: the saved state does not fit this run ({ex.Message})");
        }
    }

    /// <summary>Saves the alignment measurements so far (<c>alignment/…</c>) and the probe projector's state.</summary>
    public static void SaveAlignment(ResumeState state, IReadOnlyList<AlignmentSnapshot> snapshots, AlignmentMonitor? monitor)
    {
        if (monitor?.ProbeProjector is { } probe)
        {
            state.SetProjector("alignment/probe/", probe);
        }

        if (snapshots.Count == 0)
        {
            return;
        }

        int layers = snapshots[0].Gradient.Count;
        var words = new List<long> { snapshots.Count, layers };
        foreach (AlignmentSnapshot s in snapshots)
        {
            words.Add(s.Step);
            words.Add(s.Epoch);
            for (int l = 0; l < layers; l++)
            {
                words.Add(BitConverter.DoubleToInt64Bits(s.Gradient[l].WeightDegrees));
                words.Add(BitConverter.DoubleToInt64Bits(s.Gradient[l].BiasDegrees));
                words.Add(BitConverter.DoubleToInt64Bits(s.Weight[l].Degrees));
            }
        }

        state.SetWords("alignment/snapshots", words.ToArray());
        state.SetText("alignment/gradient_blocks", string.Join('\n', snapshots[0].Gradient.Select(g => g.Block)));
        state.SetText("alignment/weight_blocks", string.Join('\n', snapshots[0].Weight.Select(w => w.Block)));
    }

    /// <summary>The measurements <see cref="SaveAlignment"/> saved (none if the checkpoint has none), after restoring the probe's state.</summary>
    public static IReadOnlyList<AlignmentSnapshot> RestoreAlignment(ResumeState state, AlignmentMonitor? monitor)
    {
        if (monitor?.ProbeProjector is { } probe && state.Has("alignment/probe/counts"))
        {
            state.RestoreProjector("alignment/probe/", probe);
        }

        if (!state.Has("alignment/snapshots"))
        {
            return [];
        }

        long[] w = state.Words("alignment/snapshots");
        string[] gradientBlocks = state.Text("alignment/gradient_blocks").Split('\n');
        string[] weightBlocks = state.Text("alignment/weight_blocks").Split('\n');
        long count = w.Length >= 2 ? w[0] : -1;
        long layers = w.Length >= 2 ? w[1] : -1;
        if (count < 0 || layers != gradientBlocks.Length || layers != weightBlocks.Length || w.Length != 2 + (count * (2 + (3 * layers))))
        {
            throw new DfaInputException($"{state.DisplayName}: record 'alignment/snapshots' is malformed");
        }

        var snapshots = new List<AlignmentSnapshot>((int)count);
        int at = 2;
        for (int i = 0; i < count; i++)
        {
            long step = w[at++];
            int epoch = (int)w[at++];
            var gradient = new LayerGradientAlignment[layers];
            var weight = new LayerWeightAlignment[layers];
            for (int l = 0; l < layers; l++)
            {
                gradient[l] = new(gradientBlocks[l], BitConverter.Int64BitsToDouble(w[at]), BitConverter.Int64BitsToDouble(w[at + 1]));
                weight[l] = new(weightBlocks[l], BitConverter.Int64BitsToDouble(w[at + 2]));
                at += 3;
            }

            snapshots.Add(new AlignmentSnapshot(step, epoch, gradient, weight));
        }

        return snapshots;
    }

    private static IResumable Resumable(Core.Optim.IOptimizer optimizer) =>
        optimizer as IResumable ?? throw new NotSupportedException($"{optimizer.GetType().Name} keeps no state a checkpoint can save.");

    private static IEnumerable<(IResumable Layer, string Prefix)> Layers(Network network)
    {
        foreach (NetworkBlock block in network.Blocks)
        {
            for (int i = 0; i < block.Layers.Count; i++)
            {
                if (block.Layers[i] is IResumable layer)
                {
                    yield return (layer, $"layer/{block.Name}/{i}/");
                }
            }
        }
    }

    private static string PairsText(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        string.Concat(pairs.Select(kv => $"{kv.Key}={kv.Value}\n"));

    private static KeyValuePair<string, string> Split(string line)
    {
        int eq = line.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? new(line, string.Empty) : new(line[..eq], line[(eq + 1)..]);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
