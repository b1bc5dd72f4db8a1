using System.Globalization;
using Dfa.Testing;
using Tensorboard;
using Tensorboard.Hparams;

namespace Dfa.Cli.Tests.TensorBoard;

/// <summary>
/// The event file a real <c>dfa train</c> run writes, read back with the generated TensorBoard types and checked
/// against the run's own CSV files: every scalar is the float32 of the number in <c>metrics.csv</c> or
/// <c>alignment.csv</c>, every parameter has a weight and a gradient histogram per epoch, and the hparams session holds
/// the config and ends in success.
/// </summary>
public sealed class TrainEventsTests
{
    private const string Config = """
        batch_size: 32
        epochs: 2
        lr: 1e-3
        backward_method: DFA
        model: {hidden: [24, 16], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 320, test: 100, teacher_hidden: 16, seed: 3}
        logging: {alignment_every: 4, loss_every: 2}
        seed: 5
        threads: 1
        """;

    [Test]
    public void Train_Diverging_ExitsThree_WritesADivergedSummary_AndEndsTheSessionAsFailure()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        CliResult result = CliRunner.Run(
            "train", "-c", config, "--out", run, "--set", "model.activation=relu", "--set", "optimizer_algorithm=SGD", "--set", "lr=1e20");

        Assert.That(result.ExitCode, Is.EqualTo(3), result.Error);
        using var summary = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.That(summary.RootElement.GetProperty("diverged").GetBoolean(), Is.True);
        Assert.That(File.Exists(Path.Combine(run, "weights.bin")), Is.False);
        string file = Directory.GetFiles(run, "events.out.tfevents.*").Single();
        (List<byte[]> records, bool truncated) = TfRecords.Read(File.ReadAllBytes(file));
        Assert.That(truncated, Is.False);
        HParamsPluginData end = records.Select(r => Event.Parser.ParseFrom(r))
            .SelectMany(e => e.Summary?.Value ?? [])
            .Where(v => v.Tag == "_hparams_/session_end_info")
            .Select(v => HParamsPluginData.Parser.ParseFrom(v.Metadata.PluginData.Content))
            .Single();
        Assert.That(end.SessionEndInfo.Status, Is.EqualTo(Status.Failure));
    }

    [Test]
    public void Train_EventFile_HoldsTheRunsNumbers()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        CliResult result = CliRunner.Run("train", "-c", config, "--out", run);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string file = Directory.GetFiles(run, "events.out.tfevents.*").Single();
        (List<byte[]> records, bool truncated) = TfRecords.Read(File.ReadAllBytes(file));
        Assert.That(truncated, Is.False);
        Event[] events = records.Select(r => Event.Parser.ParseFrom(r)).ToArray();
        Assert.That(events[0].FileVersion, Is.EqualTo("brain.Event:2"));

        var scalars = new Dictionary<string, List<(long Step, float Value)>>();
        var histograms = new Dictionary<string, List<(long Step, HistogramProto Histogram)>>();
        var hparams = new List<HParamsPluginData>();
        foreach (Event e in events.Skip(1))
        {
            foreach (Summary.Types.Value v in e.Summary.Value)
            {
                if (v.Metadata?.PluginData?.PluginName == "hparams")
                {
                    hparams.Add(HParamsPluginData.Parser.ParseFrom(v.Metadata.PluginData.Content));
                }
                else if (v.Histo is not null)
                {
                    Add(histograms, v.Tag, (e.Step, v.Histo));
                }
                else
                {
                    Add(scalars, v.Tag, (e.Step, v.SimpleValue));
                }
            }
        }

        // Epoch scalars equal metrics.csv (x = epoch).
        string[][] metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(scalars["epoch/test_accuracy"], Is.EqualTo(metrics.Select(m => (long.Parse(m[0], CultureInfo.InvariantCulture), F(m[7]))).ToList()));
        Assert.That(scalars["epoch/train_loss"], Is.EqualTo(metrics.Select(m => (long.Parse(m[0], CultureInfo.InvariantCulture), F(m[2]))).ToList()));

        // 320 / 32 = 10 steps per epoch: the loss every 2 steps.
        Assert.That(scalars["train/loss"].Select(s => s.Step), Is.EqualTo(new long[] { 2, 4, 6, 8, 10, 12, 14, 16, 18, 20 }));

        // Alignment scalars equal alignment.csv (x = step).
        string[][] alignment = File.ReadAllLines(Path.Combine(run, "alignment.csv")).Skip(1).Select(l => l.Split(',')).ToArray();
        Assert.That(scalars["alignment/hidden1/gradient_deg"], Is.EqualTo(alignment.Select(a => (long.Parse(a[0], CultureInfo.InvariantCulture), F(a[2]))).ToList()));
        Assert.That(scalars["alignment/hidden2/weight_deg"], Is.EqualTo(alignment.Select(a => (long.Parse(a[0], CultureInfo.InvariantCulture), F(a[7]))).ToList()));

        // One weight and one gradient histogram per parameter per epoch, each counting every element.
        var sizes = new Dictionary<string, int> { ["fc1.weight"] = 24 * 20, ["fc1.bias"] = 24, ["fc2.weight"] = 16 * 24, ["fc3.weight"] = 5 * 16 };
        foreach ((string name, int size) in sizes)
        {
            Assert.That(histograms[$"weights/{name}"].Select(h => h.Step), Is.EqualTo(new long[] { 1, 2 }), name);
            Assert.That(histograms[$"weights/{name}"].Select(h => h.Histogram.Num), Has.All.EqualTo((double)size), name);
            Assert.That(histograms[$"gradients/{name}"].Select(h => h.Histogram.Num), Has.All.EqualTo((double)size), name);
        }

        // The hparams session: the experiment, the start with the config's values, the end as a success.
        Assert.That(hparams.Select(h => h.DataCase), Is.EqualTo(new[]
        {
            HParamsPluginData.DataOneofCase.Experiment, HParamsPluginData.DataOneofCase.SessionStartInfo, HParamsPluginData.DataOneofCase.SessionEndInfo,
        }));
        var start = hparams[1].SessionStartInfo.Hparams;
        Assert.That(start["lr"].NumberValue, Is.EqualTo(1e-3));
        Assert.That(start["backward_method"].StringValue, Is.EqualTo("DFA"));
        Assert.That(start["use_BatchNorm1D"].BoolValue, Is.False);
        Assert.That(start.ContainsKey("logging.alignment_every"), Is.False);
        Assert.That(hparams[0].Experiment.MetricInfos.Select(m => m.Name.Tag), Does.Contain("epoch/test_accuracy"));
        Assert.That(hparams[2].SessionEndInfo.Status, Is.EqualTo(Status.Success));
    }

    [Test]
    public void Train_Twice_LeavesOneEventFile()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        Assert.That(CliRunner.Run("train", "-c", config, "--out", run).ExitCode, Is.EqualTo(0));
        Assert.That(CliRunner.Run("train", "-c", config, "--out", run, "--set", "epochs=1").ExitCode, Is.EqualTo(0));

        Assert.That(Directory.GetFiles(run, "events.out.tfevents.*"), Has.Length.EqualTo(1));
    }

    private static float F(string csv) => (float)double.Parse(csv, CultureInfo.InvariantCulture);

    private static void Add<T>(Dictionary<string, List<T>> map, string tag, T item)
    {
        if (!map.TryGetValue(tag, out List<T>? list))
        {
            map[tag] = list = [];
        }

        list.Add(item);
    }
}
