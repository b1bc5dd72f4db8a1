using System.Buffers.Binary;
using System.Text;
using Dfa.Core.Serialization;
using Dfa.Runs.TensorBoard;
using Dfa.Testing;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Tensorboard;
using Tensorboard.Hparams;
using HParamsType = Tensorboard.Hparams.DataType;
using TensorType = Tensorboard.DataType;

namespace Dfa.Runs.Tests.TensorBoard;

/// <summary>
/// Event files written by <see cref="EventFileWriter"/>, read back record by record with a test-local TFRecord
/// reader and parsed with types generated from TensorBoard's message declarations (TensorBoard/proto).
/// </summary>
public sealed class EventFileTests
{
    private const double Start = 1_700_000_000.25;
    private const string Host = "testhost";

    [Test]
    public void Mask_IsTfRecordsRotatePlusConstant()
    {
        // The masked CRC of the empty payload is the constant itself; "123456789" worked by hand:
        // rotr15(0xE3069283) = 0x2507C60D, + 0xA282EAD8 = 0xC78AB0E5.
        Assert.That(EventFileWriter.Mask(Crc32C.Compute([])), Is.EqualTo(0xA282EAD8u));
        Assert.That(EventFileWriter.Mask(0xE3069283u), Is.EqualTo(0xC78AB0E5u));
        foreach (uint crc in new[] { 0u, 1u, 0xFFFFFFFFu, 0xDEADBEEFu, 0x80000000u })
        {
            Assert.That(Unmask(EventFileWriter.Mask(crc)), Is.EqualTo(crc));
        }
    }

    [Test]
    public void FileName_IsTheTfeventsPatternWithTenDigitSecondsAndHost()
    {
        Assert.That(EventFileWriter.FileName(Start, "node-7.example"), Is.EqualTo("events.out.tfevents.1700000000.node-7.example"));
        Assert.That(EventFileWriter.FileName(12.9, "a/b"), Is.EqualTo("events.out.tfevents.0000000012.a_b"));
    }

    [Test]
    public void EventFile_RoundTripsScalarsHistogramHParamsAndText()
    {
        using var temp = new TempFolder();
        double now = Start;
        float[] histogramValues = [-2f, -0.5f, 0f, 0f, 1e-13f, 0.1f, 3f, 3f, 100f, float.NaN, float.PositiveInfinity];
        string path;
        using (var writer = new EventFileWriter(temp.Path, () => now, Host))
        {
            path = writer.Path;
            now += 1;
            writer.Hyperparameters(
                [new("lr", 0.01), new("model", "dfa-tanh"), new("batch_size", 32), new("batch_norm", true)],
                ["test/accuracy", "train/loss"]);
            now += 1;
            writer.Scalar("train/loss", 1, 0.5);
            now += 1;
            writer.Scalar("train/loss", 2, 0.0);
            now += 1;
            writer.Scalar("train/loss", 3, double.NaN);
            now += 1;
            writer.Scalar("test/accuracy", 3, 0.9125);
            now += 1;
            writer.Histogram("weights/layer0", 3, histogramValues);
            now += 1;
            writer.Text("config", 0, "| key | value |\n|-----|-------|\n| lr | 0.01 |");
            now += 1;
        }

        Assert.That(Path.GetFileName(path), Is.EqualTo("events.out.tfevents.1700000000." + Host));
        (List<byte[]> records, bool truncated) = TfRecords.Read(File.ReadAllBytes(path));
        Assert.That(truncated, Is.False);
        List<Event> events = [.. records.Select(Event.Parser.ParseFrom)];
        Assert.That(events, Has.Count.EqualTo(11));

        Event header = events[0];
        Assert.That(header.WhatCase, Is.EqualTo(Event.WhatOneofCase.FileVersion));
        Assert.That(header.FileVersion, Is.EqualTo("brain.Event:2"));
        Assert.That(header.WallTime, Is.EqualTo(Start));
        Assert.That(header.SourceMetadata.Writer, Is.EqualTo("dfa"));
        Assert.That(events.Skip(1).Select(e => e.WhatCase), Is.All.EqualTo(Event.WhatOneofCase.Summary));
        Assert.That(events.Skip(1).Select(e => e.Summary.Value.Count), Is.All.EqualTo(1));

        // hparams: experiment and session start at the same wall time, step 0.
        HParamsPluginData experiment = HParams(events[1], "_hparams_/experiment", Start + 1);
        Assert.That(experiment.DataCase, Is.EqualTo(HParamsPluginData.DataOneofCase.Experiment));
        Assert.That(experiment.Experiment.TimeCreatedSecs, Is.EqualTo(Start + 1));
        Assert.That(experiment.Experiment.HparamInfos.Select(i => (i.Name, i.Type)), Is.EqualTo(new[]
        {
            ("lr", HParamsType.Float64), ("model", HParamsType.String), ("batch_size", HParamsType.Float64),
            ("batch_norm", HParamsType.Bool),
        }));
        Assert.That(experiment.Experiment.MetricInfos.Select(m => (m.Name.Group, m.Name.Tag)),
            Is.EqualTo(new[] { (string.Empty, "test/accuracy"), (string.Empty, "train/loss") }));

        HParamsPluginData start = HParams(events[2], "_hparams_/session_start_info", Start + 1);
        Assert.That(start.DataCase, Is.EqualTo(HParamsPluginData.DataOneofCase.SessionStartInfo));
        Assert.That(start.SessionStartInfo.StartTimeSecs, Is.EqualTo(Start + 1));
        IDictionary<string, Value> hparams = start.SessionStartInfo.Hparams;
        Assert.That(hparams.Keys, Is.EquivalentTo(new[] { "lr", "model", "batch_size", "batch_norm" }));
        Assert.That(hparams["lr"].NumberValue, Is.EqualTo(0.01));
        Assert.That(hparams["model"].StringValue, Is.EqualTo("dfa-tanh"));
        Assert.That(hparams["batch_size"].NumberValue, Is.EqualTo(32.0));
        Assert.That(hparams["batch_norm"].KindCase, Is.EqualTo(Value.KindOneofCase.BoolValue));
        Assert.That(hparams["batch_norm"].BoolValue, Is.True);

        // Scalars: float simple_value, explicit steps, the clock's time; a zero is present, NaN stays NaN.
        (long Step, string Tag, float Value, double WallTime)[] scalars =
            [.. events.Skip(3).Take(4).Select(e => (e.Step, e.Summary.Value[0].Tag, e.Summary.Value[0].SimpleValue, e.WallTime))];
        Assert.That(events.Skip(3).Take(4).Select(e => e.Summary.Value[0].ValueCase),
            Is.All.EqualTo(Summary.Types.Value.ValueOneofCase.SimpleValue));
        Assert.That(scalars[0], Is.EqualTo((1L, "train/loss", 0.5f, Start + 2)));
        Assert.That(scalars[1], Is.EqualTo((2L, "train/loss", 0f, Start + 3)));
        Assert.That(scalars[2].Step, Is.EqualTo(3L));
        Assert.That(float.IsNaN(scalars[2].Value), Is.True);
        Assert.That(scalars[3], Is.EqualTo((3L, "test/accuracy", 0.9125f, Start + 5)));

        // Histogram: statistics over the nine finite values; the two non-finite ones are counted beside it.
        Event histogramEvent = events[7];
        Assert.That(histogramEvent.Step, Is.EqualTo(3L));
        Assert.That(histogramEvent.Summary.Value[0].Tag, Is.EqualTo("weights/layer0"));
        Assert.That(histogramEvent.Summary.Value[0].ValueCase, Is.EqualTo(Summary.Types.Value.ValueOneofCase.Histo));
        HistogramProto histo = histogramEvent.Summary.Value[0].Histo;
        double[] finite = [.. histogramValues.Where(float.IsFinite).Select(v => (double)v)];
        Assert.That(histo.Min, Is.EqualTo(-2.0));
        Assert.That(histo.Max, Is.EqualTo(100.0));
        Assert.That(histo.Num, Is.EqualTo(9.0));
        Assert.That(histo.Sum, Is.EqualTo(finite.Sum()).Within(1e-12));
        Assert.That(histo.SumSquares, Is.EqualTo(finite.Sum(v => v * v)).Within(1e-9));
        Assert.That(histo.Bucket.Sum(), Is.EqualTo(histo.Num));
        Assert.That(histo.BucketLimit, Has.Count.EqualTo(histo.Bucket.Count));
        Assert.That(histo.BucketLimit, Is.Ordered.Ascending);
        Assert.That(histo.BucketLimit[^1], Is.EqualTo(double.MaxValue));
        Assert.That(BucketCounts(histo.BucketLimit, finite), Is.EqualTo(histo.Bucket.ToArray()),
            "each value falls in the bucket [limit[i-1], limit[i]) that counts it");
        // Six occupied buckets (0 and 1e-13 share [0, 1e-12)), each with an empty run between it and the next: compacted, not ~1 550.
        Assert.That(histo.Bucket.Count(c => c > 0), Is.EqualTo(6));
        Assert.That(histo.Bucket, Has.Count.LessThan(20));

        Event nonFinite = events[8];
        Assert.That(nonFinite.Step, Is.EqualTo(3L));
        Assert.That(nonFinite.Summary.Value[0].Tag, Is.EqualTo("weights/layer0/non_finite"));
        Assert.That(nonFinite.Summary.Value[0].SimpleValue, Is.EqualTo(2f));

        // Text: a scalar DT_STRING tensor for the text plugin.
        Summary.Types.Value text = events[9].Summary.Value[0];
        Assert.That(text.Tag, Is.EqualTo("config"));
        Assert.That(text.Metadata.PluginData.PluginName, Is.EqualTo("text"));
        Assert.That(text.Tensor.Dtype, Is.EqualTo(TensorType.DtString));
        Assert.That(text.Tensor.TensorShape.Dim, Is.Empty);
        Assert.That(text.Tensor.StringVal.Single().ToStringUtf8(), Does.StartWith("| key | value |"));

        // Dispose ended the session as a success.
        HParamsPluginData end = HParams(events[10], "_hparams_/session_end_info", Start + 8);
        Assert.That(end.DataCase, Is.EqualTo(HParamsPluginData.DataOneofCase.SessionEndInfo));
        Assert.That(end.SessionEndInfo.Status, Is.EqualTo(Status.Success));
        Assert.That(end.SessionEndInfo.EndTimeSecs, Is.EqualTo(Start + 8));
    }

    [Test]
    public void Complete_WithFailure_EndsTheSessionOnce()
    {
        using var temp = new TempFolder();
        string path;
        using (var writer = new EventFileWriter(temp.Path, () => Start, Host))
        {
            path = writer.Path;
            writer.Hyperparameters([new("lr", 0.1f)], ["train/loss"]);
            writer.Complete(succeeded: false);
        }

        List<Event> events = [.. TfRecords.Read(File.ReadAllBytes(path)).Records.Select(Event.Parser.ParseFrom)];
        Assert.That(events, Has.Count.EqualTo(4));
        Assert.That(HParams(events[3], "_hparams_/session_end_info", Start).SessionEndInfo.Status, Is.EqualTo(Status.Failure));
    }

    [Test]
    public void Hyperparameters_RejectsOtherValueTypesAndRepeatedNames()
    {
        using var temp = new TempFolder();
        using var writer = new EventFileWriter(temp.Path, () => Start, Host);
        Assert.Throws<ArgumentException>(() => writer.Hyperparameters([new("when", DateTime.UnixEpoch)], []));
        Assert.Throws<ArgumentException>(() => writer.Hyperparameters([new("lr", 1.0), new("lr", 2.0)], []));
    }

    [Test]
    public void Histogram_OfNoFiniteValue_HasZeroCountAndNoNaN()
    {
        using var temp = new TempFolder();
        string path;
        using (var writer = new EventFileWriter(temp.Path, () => Start, Host))
        {
            path = writer.Path;
            writer.Histogram("empty", 0, []);
            writer.Histogram("diverged", 1, [float.NaN, float.NegativeInfinity]);
        }

        List<Event> events = [.. TfRecords.Read(File.ReadAllBytes(path)).Records.Select(Event.Parser.ParseFrom)];
        foreach (HistogramProto histo in new[] { events[1], events[2] }.Select(e => e.Summary.Value[0].Histo))
        {
            Assert.That((histo.Min, histo.Max, histo.Num, histo.Sum, histo.SumSquares), Is.EqualTo((0.0, 0.0, 0.0, 0.0, 0.0)));
            Assert.That(histo.BucketLimit, Is.EqualTo(new[] { double.MaxValue }));
            Assert.That(histo.Bucket, Is.EqualTo(new[] { 0.0 }));
        }

        Assert.That(events[3].Summary.Value[0].Tag, Is.EqualTo("diverged/non_finite"));
        Assert.That(events[3].Summary.Value[0].SimpleValue, Is.EqualTo(2f));
    }

    [Test]
    public void UnflushedRecords_AreNotInTheFile_AndFlushedOnesRead()
    {
        using var temp = new TempFolder();
        using var writer = new EventFileWriter(temp.Path, () => Start, Host);
        writer.Scalar("loss", 1, 1.0);
        writer.Flush();
        writer.Scalar("loss", 2, 0.5);

        // What a killed process leaves: the file as of the last flush.
        using var stream = new FileStream(writer.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        (List<byte[]> records, bool truncated) = TfRecords.Read(copy.ToArray());

        Assert.That(truncated, Is.False);
        Assert.That(records.Select(Event.Parser.ParseFrom).Select(e => e.Step), Is.EqualTo(new[] { 0L, 1L }));
    }

    [Test]
    public void TruncatedLastRecord_LeavesEarlierRecordsReadable()
    {
        using var temp = new TempFolder();
        string path;
        using (var writer = new EventFileWriter(temp.Path, () => Start, Host))
        {
            path = writer.Path;
            writer.Scalar("loss", 1, 1.0);
            writer.Scalar("loss", 2, 0.5);
        }

        byte[] whole = File.ReadAllBytes(path);
        int lastRecordLength = 12 + TfRecords.Read(whole).Records[^1].Length + 4;
        // Cut inside the length, its CRC, the payload and the payload CRC of the last record.
        foreach (int cut in new[] { 1, 4, 5, lastRecordLength - 12, lastRecordLength - 1 })
        {
            (List<byte[]> records, bool truncated) = TfRecords.Read(whole.AsSpan(0, whole.Length - cut).ToArray());
            Assert.That(truncated, Is.True, $"cut {cut}");
            Assert.That(records.Select(Event.Parser.ParseFrom).Select(e => e.Step), Is.EqualTo(new[] { 0L, 1L }), $"cut {cut}");
        }
    }

    [Test]
    public void CorruptPayload_FailsTheDataCrcButNotTheLengthCrc()
    {
        using var temp = new TempFolder();
        string path;
        using (var writer = new EventFileWriter(temp.Path, () => Start, Host))
        {
            path = writer.Path;
        }

        byte[] bytes = File.ReadAllBytes(path);
        bytes[12] ^= 0x01;
        var error = Assert.Throws<InvalidDataException>(() => TfRecords.Read(bytes));
        Assert.That(error!.Message, Does.Contain("data CRC"));
    }

    [Test]
    public void SecondWriterInTheSameSecond_GetsItsOwnFile()
    {
        using var temp = new TempFolder();
        using var first = new EventFileWriter(temp.Path, () => Start, Host);
        using var second = new EventFileWriter(temp.Path, () => Start, Host);

        Assert.That(second.Path, Is.Not.EqualTo(first.Path));
        Assert.That(Path.GetFileName(second.Path), Does.Contain("tfevents"));
        Assert.That(Path.GetFileName(second.Path), Is.EqualTo(Path.GetFileName(first.Path) + ".1"));
    }

    /// <summary>The hparams record's plugin data, after checking tag, plugin name, step and wall time.</summary>
    private static HParamsPluginData HParams(Event e, string tag, double wallTime)
    {
        Assert.That(e.Step, Is.EqualTo(0L));
        Assert.That(e.WallTime, Is.EqualTo(wallTime));
        Summary.Types.Value value = e.Summary.Value.Single();
        Assert.That(value.Tag, Is.EqualTo(tag));
        Assert.That(value.Metadata.PluginData.PluginName, Is.EqualTo("hparams"));
        HParamsPluginData data = HParamsPluginData.Parser.ParseFrom(value.Metadata.PluginData.Content);
        Assert.That(data.Version, Is.EqualTo(0));
        return data;
    }

    private static uint Unmask(uint masked)
    {
        uint rotated = masked - 0xA282EAD8u;
        return (rotated >> 17) | (rotated << 15);
    }

    /// <summary>Counts per bucket, assigning each value to the first bucket whose limit exceeds it.</summary>
    private static double[] BucketCounts(IList<double> limits, IEnumerable<double> values)
    {
        var counts = new double[limits.Count];
        foreach (double v in values)
        {
            int bucket = 0;
            while (bucket < limits.Count - 1 && !(v < limits[bucket]))
            {
                bucket++;
            }

            counts[bucket]++;
        }

        return counts;
    }
}
