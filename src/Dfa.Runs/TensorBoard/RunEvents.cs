using System.Globalization;
using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Training;

namespace Dfa.Runs.TensorBoard;

/// <summary>
/// What a training run writes to its TensorBoard event file. Tags, so that runs of <c>dfa train</c>,
/// <c>dfa compare</c> and <c>dfa experiment</c> line up in one TensorBoard:
/// <list type="bullet">
/// <item><c>train/loss</c> every <c>logging.loss_every</c> steps (x = step);</item>
/// <item><c>epoch/{train_loss, train_accuracy, test_loss, test_accuracy, validation_loss, validation_accuracy,
/// learning_rate, samples_per_second}</c> (x = epoch);</item>
/// <item><c>alignment/&lt;block&gt;/{gradient_deg, bias_gradient_deg, weight_deg}</c> at each alignment measurement (x = step);</item>
/// <item><c>weights/&lt;parameter&gt;</c> and <c>gradients/&lt;parameter&gt;</c> histograms after each epoch (x = epoch; the
/// gradients are the epoch's last batch's);</item>
/// <item>the hparams plugin: every config key except the logging and output ones, with the epoch metrics above.</item>
/// </list>
/// </summary>
public sealed class RunEvents : IDisposable
{
    private static readonly string[] MetricTags =
        ["epoch/test_accuracy", "epoch/test_loss", "epoch/train_loss", "epoch/train_accuracy"];

    private readonly EventFileWriter _writer;
    private readonly LoggingConfig _logging;

    private RunEvents(EventFileWriter writer, LoggingConfig logging)
    {
        _writer = writer;
        _logging = logging;
    }

    /// <summary>Opens the run's event file, or returns null when <c>logging.tensorboard</c> is off.</summary>
    public static RunEvents? Open(string folder, TrainConfig config)
    {
        if (!config.Logging.TensorBoard)
        {
            return null;
        }

        var events = new RunEvents(new EventFileWriter(folder), config.Logging);
        events._writer.Hyperparameters(HParams(config), MetricTags);
        events._writer.Flush();
        return events;
    }

    /// <summary>
    /// The config as hparams: <see cref="ConfigLoader.Describe"/>'s keys (logging, output, verbosity and data path
    /// left out), numbers as numbers, booleans as booleans, everything else as text.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object>> HParams(TrainConfig config) =>
        ConfigLoader.Describe(config)
            .Where(p => !p.Key.StartsWith("logging.", StringComparison.Ordinal) && p.Key is not ("output" or "verbose" or "data.path"))
            .Select(p => new KeyValuePair<string, object>(p.Key, Typed(p.Value)))
            .ToArray();

    public void Step(long step, double loss)
    {
        if (_logging.LossEvery > 0 && step % _logging.LossEvery == 0)
        {
            _writer.Scalar("train/loss", step, loss);
        }
    }

    public void Alignment(AlignmentSnapshot snapshot)
    {
        for (int l = 0; l < snapshot.Gradient.Count; l++)
        {
            string block = snapshot.Gradient[l].Block;
            _writer.Scalar($"alignment/{block}/gradient_deg", snapshot.Step, snapshot.Gradient[l].WeightDegrees);
            _writer.Scalar($"alignment/{block}/bias_gradient_deg", snapshot.Step, snapshot.Gradient[l].BiasDegrees);
            _writer.Scalar($"alignment/{block}/weight_deg", snapshot.Step, snapshot.Weight[l].Degrees);
        }
    }

    /// <summary>The epoch's scalars and histograms, then a flush: an epoch is the unit a killed run keeps.</summary>
    public void Epoch(EpochMetrics m, IReadOnlyList<Parameter> parameters)
    {
        long x = m.Epoch;
        _writer.Scalar("epoch/train_loss", x, m.TrainLoss);
        _writer.Scalar("epoch/train_accuracy", x, m.TrainAccuracy);
        _writer.Scalar("epoch/test_loss", x, m.TestLoss);
        _writer.Scalar("epoch/test_accuracy", x, m.TestAccuracy);
        if (m.ValidationLoss is { } vl && m.ValidationAccuracy is { } va)
        {
            _writer.Scalar("epoch/validation_loss", x, vl);
            _writer.Scalar("epoch/validation_accuracy", x, va);
        }

        _writer.Scalar("epoch/learning_rate", x, m.LearningRate);
        _writer.Scalar("epoch/samples_per_second", x, m.SamplesPerSecond);
        if (_logging.Histograms)
        {
            foreach (Parameter p in parameters)
            {
                _writer.Histogram($"weights/{p.Name}", x, p.Value.Span);
                _writer.Histogram($"gradients/{p.Name}", x, p.Gradient.Span);
            }
        }

        _writer.Flush();
    }

    /// <summary>Ends the hparams session (success or failure) and flushes.</summary>
    public void Complete(bool succeeded)
    {
        _writer.Complete(succeeded);
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    private static object Typed(string value) =>
        value switch
        {
            "true" => true,
            "false" => false,

            // A seed above 2^53 has no exact double: it stays text rather than show a different number.
            _ when ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u) && u > (1UL << 53) => value,
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => d,
            _ => value,
        };
}
