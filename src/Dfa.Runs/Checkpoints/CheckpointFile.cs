using System.Buffers.Binary;
using System.Text;
using Dfa.Core;
using Dfa.Core.Serialization;
using Dfa.Core.State;
using Dfa.Core.Training;

namespace Dfa.Runs.Checkpoints;

/// <summary>
/// A checkpoint is a <see cref="WeightsFile"/> (format v2, CRC-32C) holding the network's parameters and buffers as a
/// model file does, followed by the <see cref="ResumeState"/> records in block <c>state</c> (kinds 2 and 3), so
/// <c>init_from</c> can also start a new run from a checkpoint's weights. This class parses those records back and
/// restores a network's tensors exactly.
/// </summary>
public static class CheckpointFile
{
    /// <summary>Its name in a run folder.</summary>
    public const string FileName = "checkpoint.bin";

    /// <summary>The records of a read checkpoint beyond the network's tensors.</summary>
    /// <exception cref="DfaInputException">The file holds no state records (a plain model file) or a malformed one.</exception>
    public static ResumeState StateOf(ModelFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var state = new ResumeState(file.DisplayName);
        foreach (ModelTensor t in file.Tensors.Where(t => t.Kind is TensorKind.OptimizerState or TensorKind.TrainingState or TensorKind.TrainingText))
        {
            if (t.Rows != 1)
            {
                throw new DfaInputException($"{file.DisplayName}: state record '{t.Name}' is {t.Shape}, expected one row");
            }

            ReadOnlySpan<byte> data = t.Data.Span;
            if (t.Kind == TensorKind.TrainingText)
            {
                long length = t.DType == TensorDType.Int64 ? BinaryPrimitives.ReadInt64LittleEndian(data) : -1;
                if (length < 0 || length > 8L * (t.Cols - 1))
                {
                    throw new DfaInputException($"{file.DisplayName}: text record '{t.Name}' declares {length} bytes in {t.Cols - 1} words");
                }

                try
                {
                    state.SetText(t.Name, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data.Slice(8, (int)length)));
                }
                catch (DecoderFallbackException)
                {
                    throw new DfaInputException($"{file.DisplayName}: text record '{t.Name}' is not valid UTF-8");
                }
                catch (ArgumentException)
                {
                    throw new DfaInputException($"{file.DisplayName}: text record '{t.Name}' is empty");
                }

                continue;
            }

            switch (t.DType)
            {
                case TensorDType.Float32:
                    {
                        float[] values = new float[t.Cols];
                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
                        }

                        state.SetFloats(t.Name, values);
                        break;
                    }

                default:
                    {
                        long[] words = new long[t.Cols];
                        for (int i = 0; i < words.Length; i++)
                        {
                            words[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]);
                        }

                        state.SetWords(t.Name, words);
                        break;
                    }

            }
        }

        if (state.AllTexts.Count + state.AllWords.Count == 0)
        {
            throw new DfaInputException($"{file.DisplayName}: a model file without training state, not a checkpoint");
        }

        return state;
    }

    /// <summary>Copies every parameter and buffer of the checkpoint into <paramref name="network"/>; all must match by block, name and shape.</summary>
    /// <exception cref="DfaInputException">A tensor is missing, extra or shaped differently.</exception>
    public static void RestoreNetwork(ModelFile file, Network network)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(network);
        Dictionary<string, ModelTensor> saved = file.Tensors
            .Where(t => t.Kind is TensorKind.Parameter or TensorKind.Buffer)
            .ToDictionary(t => $"{t.Block}/{t.Name}", StringComparer.Ordinal);
        IReadOnlyList<NetworkTensor> ours = NetworkTensor.Of(network);
        var plan = new List<(NetworkTensor Target, ModelTensor Source)>(ours.Count);
        foreach (NetworkTensor target in ours)
        {
            if (!saved.Remove($"{target.Block}/{target.Name}", out ModelTensor? source))
            {
                throw new DfaInputException($"{file.DisplayName}: no tensor '{target.Name}' of block '{target.Block}' ({target.Shape})");
            }

            if (source.Rows != target.Rows || source.Cols != target.Cols || source.DType != target.DType)
            {
                throw new DfaInputException($"{file.DisplayName}: tensor '{target.Name}' of block '{target.Block}' is {source.Shape} in the checkpoint, {target.Shape} in this network");
            }

            plan.Add((target, source));
        }

        if (saved.Count > 0)
        {
            throw new DfaInputException($"{file.DisplayName}: holds tensors this network does not have ({string.Join(", ", saved.Keys.Take(5))})");
        }

        foreach ((NetworkTensor target, ModelTensor source) in plan)
        {
            target.Assign(source);
        }
    }

    /// <summary>Saves a trainer's position under <c>progress/</c> (doubles by their bits, the permutation as int64 words).</summary>
    public static void SaveProgress(ResumeState state, TrainerProgress progress)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(progress);
        state.SetWords("progress/position", [progress.Epoch, progress.Batch, progress.Steps, progress.Correct, progress.SamplesTrained]);
        state.SetWords("progress/times", [BitConverter.DoubleToInt64Bits(progress.EpochSeconds), BitConverter.DoubleToInt64Bits(progress.TrainSeconds)]);
        state.SetDouble("progress/loss_sum", progress.LossSum);
        state.SetWords("progress/order", progress.Order.Select(i => (long)i).ToArray());
        state.SetWords("progress/shuffle_rng", progress.ShuffleState.Select(w => (long)w).ToArray());
        if (progress.Epochs.Count > 0)
        {
            state.SetWords("progress/epochs", progress.Epochs.SelectMany(EpochWords).ToArray());
        }
    }

    /// <exception cref="DfaInputException">A record is missing or out of range.</exception>
    public static TrainerProgress LoadProgress(ResumeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long[] p = state.Words("progress/position", 5);
        long[] times = state.Words("progress/times", 2);
        long[] order = state.Words("progress/order");
        if (p[0] is < 0 or > int.MaxValue || p[1] is < 0 or > int.MaxValue || p[2] < 0 || p[3] < 0 || p[4] < 0
            || order.Any(i => i < 0 || i >= order.Length) || order.Distinct().Count() != order.Length)
        {
            throw new DfaInputException($"{state.DisplayName}: the training position is out of range (a damaged checkpoint)");
        }

        var epochs = new List<EpochMetrics>();
        if (state.Has("progress/epochs"))
        {
            long[] w = state.Words("progress/epochs");
            if (w.Length % EpochFields != 0)
            {
                throw new DfaInputException($"{state.DisplayName}: record 'progress/epochs' holds {w.Length} values, not a multiple of {EpochFields}");
            }

            for (int e = 0; e < w.Length / EpochFields; e++)
            {
                epochs.Add(EpochOf(w.AsSpan(e * EpochFields, EpochFields)));
            }
        }

        if (epochs.Count != p[0])
        {
            throw new DfaInputException($"{state.DisplayName}: {epochs.Count} epochs of metrics for position epoch {p[0]} (a damaged checkpoint)");
        }

        return new TrainerProgress(
            (int)p[0], (int)p[1], p[2], state.Double("progress/loss_sum"), p[3], BitConverter.Int64BitsToDouble(times[0]),
            order.Select(i => (int)i).ToArray(), state.Words("progress/shuffle_rng", 4).Select(w => (ulong)w).ToArray(),
            epochs, BitConverter.Int64BitsToDouble(times[1]), p[4]);
    }

    private const int EpochFields = 11;

    private static long[] EpochWords(EpochMetrics m) =>
    [
        m.Epoch, Bits(m.LearningRate), Bits(m.TrainLoss), Bits(m.TrainAccuracy), m.ValidationLoss is null ? 0 : 1,
        Bits(m.ValidationLoss ?? 0), Bits(m.ValidationAccuracy ?? 0), Bits(m.TestLoss), Bits(m.TestAccuracy), Bits(m.Seconds), Bits(m.SamplesPerSecond),
    ];

    private static EpochMetrics EpochOf(ReadOnlySpan<long> w)
    {
        bool validation = w[4] != 0;
        return new EpochMetrics(
            (int)w[0], D(w[1]), D(w[2]), D(w[3]), validation ? D(w[5]) : null, validation ? D(w[6]) : null, D(w[7]), D(w[8]), D(w[9]), D(w[10]));
    }

    private static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    private static double D(long bits) => BitConverter.Int64BitsToDouble(bits);
}
