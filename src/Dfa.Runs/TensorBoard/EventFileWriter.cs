using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Dfa.Core.Serialization;

namespace Dfa.Runs.TensorBoard;

/// <summary>
/// Writes a TensorBoard event file (<c>events.out.tfevents.&lt;unix seconds&gt;.&lt;host&gt;</c>) in a run folder:
/// scalars, histograms, the hparams plugin's session records and text, readable by <c>tensorboard --logdir</c>
/// without TensorFlow or a protobuf runtime on our side.
/// </summary>
/// <remarks>
/// <para>Format: a TFRecord stream. Each record is the payload length (uint64 little-endian), the masked CRC-32C of
/// those 8 bytes, the payload (a serialized <c>tensorboard.Event</c>), and the masked CRC-32C of the payload (see
/// <see cref="Crc32C"/>). The first record is <c>Event{wall_time, file_version: "brain.Event:2"}</c>. Field numbers
/// follow <c>tensorboard/compat/proto/{event,summary,histogram,tensor,tensor_shape,types}.proto</c> and
/// <c>tensorboard/plugins/hparams/{api,plugin_data}.proto</c>; docs/tensorboard.md lists what is written.</para>
/// <para>The file is an append-only log. Records are collected in memory and appended, then flushed to disk, by
/// <see cref="Flush"/> and <see cref="Dispose"/> (the header record is flushed by the constructor, so TensorBoard
/// sees the run at once). A killed run leaves every record of the last completed flush readable; TensorBoard skips
/// a truncated last record. Nothing is ever rewritten.</para>
/// <para>The caller passes each step explicitly. Not thread-safe: one writer per run, used by one thread.</para>
/// </remarks>
public sealed class EventFileWriter : IDisposable
{
    /// <summary>What every event file's first record declares; all TensorBoard versions read version 2.</summary>
    public const string FileVersion = "brain.Event:2";

    /// <summary>The text TensorBoard globs for: any file whose name contains it is read as an event file.</summary>
    public const string FileNameMarker = "tfevents";

    internal const string HParamsPluginName = "hparams";
    internal const string TextPluginName = "text";
    internal const string ExperimentTag = "_hparams_/experiment";
    internal const string SessionStartTag = "_hparams_/session_start_info";
    internal const string SessionEndTag = "_hparams_/session_end_info";

    private readonly Func<double> _clock;
    private readonly FileStream _stream;
    private readonly ProtoWriter _event = new(256);
    private readonly MemoryStream _pending = new();
    private bool _sessionOpen;
    private bool _disposed;

    /// <summary>
    /// Creates a new event file in <paramref name="folder"/> (created if missing) and writes its header record.
    /// </summary>
    /// <param name="folder">The run folder; TensorBoard names the run after it.</param>
    /// <param name="clock">Wall time in seconds since the Unix epoch; the system clock when null. Tests fix it.</param>
    /// <param name="hostName">The host part of the file name; <see cref="Environment.MachineName"/> when null.</param>
    /// <exception cref="IOException">The file cannot be created.</exception>
    public EventFileWriter(string folder, Func<double>? clock = null, string? hostName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _clock = clock ?? SystemClock;
        double now = _clock();
        Directory.CreateDirectory(folder);
        (Path, _stream) = CreateFile(folder, FileName(now, hostName ?? Environment.MachineName));

        _event.Double(EventField.WallTime, now);
        _event.String(EventField.FileVersion, FileVersion);
        var source = new ProtoWriter();
        source.String(SourceMetadataField.Writer, "dfa");
        _event.Message(EventField.SourceMetadata, source);
        AppendRecord(_event.WrittenSpan);
        Flush();
    }

    /// <summary>The event file's full path.</summary>
    public string Path { get; }

    /// <summary>
    /// The file name for wall time <paramref name="unixSeconds"/>: <c>events.out.tfevents.</c>, the whole seconds in
    /// ten digits (so names sort by time, as TensorBoard orders a run's files by name), a dot and the host name with
    /// characters that cannot appear in a file name replaced by <c>_</c>.
    /// </summary>
    public static string FileName(double unixSeconds, string hostName)
    {
        ArgumentNullException.ThrowIfNull(hostName);
        long seconds = (long)Math.Floor(unixSeconds);
        ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(unixSeconds));
        char[] invalid = System.IO.Path.GetInvalidFileNameChars();
        string host = new([.. hostName.Select(c => invalid.Contains(c) || c == '\\' ? '_' : c)]);
        return string.Create(CultureInfo.InvariantCulture, $"events.out.{FileNameMarker}.{seconds:D10}.{(host.Length == 0 ? "localhost" : host)}");
    }

    /// <summary>A scalar point: <c>Summary.Value{tag, simple_value}</c>. NaN and ±∞ are written as they are (TensorBoard plots them as such), stored as float.</summary>
    public void Scalar(string tag, long step, double value)
    {
        var summaryValue = SummaryValue(tag);
        summaryValue.Float(ValueField.SimpleValue, (float)value);
        AppendSummary(step, summaryValue);
    }

    /// <summary>
    /// A histogram of <paramref name="values"/>: <c>Summary.Value{tag, histo}</c> bucketed like TensorFlow (see
    /// <see cref="HistogramSummary"/>). NaN and ±∞ are left out of the histogram; when there are any, their count is
    /// written as the scalar <c>&lt;tag&gt;/non_finite</c> at the same step, so a diverging layer stays visible.
    /// </summary>
    public void Histogram(string tag, long step, ReadOnlySpan<float> values)
    {
        HistogramSummary histogram = HistogramSummary.Of(values);
        var histo = new ProtoWriter(32 + 18 * histogram.BucketLimits.Count);
        histo.Double(HistogramField.Min, histogram.Min);
        histo.Double(HistogramField.Max, histogram.Max);
        histo.Double(HistogramField.Num, histogram.Count);
        histo.Double(HistogramField.Sum, histogram.Sum);
        histo.Double(HistogramField.SumSquares, histogram.SumSquares);
        histo.PackedDoubles(HistogramField.BucketLimit, [.. histogram.BucketLimits]);
        histo.PackedDoubles(HistogramField.Bucket, [.. histogram.BucketCounts]);
        var summaryValue = SummaryValue(tag);
        summaryValue.Message(ValueField.Histo, histo);
        AppendSummary(step, summaryValue);
        if (histogram.NonFiniteCount > 0)
        {
            Scalar(tag + "/non_finite", step, histogram.NonFiniteCount);
        }
    }

    /// <summary>
    /// Records this run as one session of the hparams plugin: the experiment (each hyperparameter's name and type,
    /// and <paramref name="metricTags"/> as the metrics its table shows) and the session's start with the values.
    /// The session's end is written by <see cref="Complete"/>, or on <see cref="Dispose"/> as a success.
    /// </summary>
    /// <param name="hparams">Names and values, in display order. A value is a string, a bool, an enum (written as its
    /// name) or a number (written as a double).</param>
    /// <param name="metricTags">Tags of scalars this writer logs that the hparams table should show, e.g. <c>test/accuracy</c>.</param>
    /// <exception cref="ArgumentException">A name is empty or repeated, a value has another type, or a metric tag is empty.</exception>
    /// <exception cref="InvalidOperationException">Hyperparameters were already written.</exception>
    public void Hyperparameters(IReadOnlyList<KeyValuePair<string, object>> hparams, IReadOnlyList<string> metricTags)
    {
        ArgumentNullException.ThrowIfNull(hparams);
        ArgumentNullException.ThrowIfNull(metricTags);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sessionOpen)
        {
            throw new InvalidOperationException("hyperparameters were already written to this event file; a run is one hparams session");
        }

        double now = _clock();
        var experiment = new ProtoWriter(256);
        experiment.Double(ExperimentField.TimeCreatedSecs, now);
        var startInfo = new ProtoWriter(256);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string name, object value) in hparams)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, nameof(hparams));
            if (!names.Add(name))
            {
                throw new ArgumentException($"hyperparameter '{name}' appears twice", nameof(hparams));
            }

            (ProtoWriter protoValue, int dataType) = HParamValue(name, value);
            var info = new ProtoWriter();
            info.String(HParamInfoField.Name, name);
            info.Int32(HParamInfoField.Type, dataType);
            experiment.Message(ExperimentField.HParamInfos, info);

            var entry = new ProtoWriter();
            entry.String(MapEntryField.Key, name);
            entry.Message(MapEntryField.Value, protoValue);
            startInfo.Message(SessionStartInfoField.HParams, entry);
        }

        foreach (string tag in metricTags)
        {
            ArgumentException.ThrowIfNullOrEmpty(tag, nameof(metricTags));
            var metricName = new ProtoWriter();
            metricName.String(MetricNameField.Tag, tag);
            var metricInfo = new ProtoWriter();
            metricInfo.Message(MetricInfoField.Name, metricName);
            experiment.Message(ExperimentField.MetricInfos, metricInfo);
        }

        startInfo.Double(SessionStartInfoField.StartTimeSecs, now);
        AppendHParams(ExperimentTag, HParamsPluginDataField.Experiment, experiment, now);
        AppendHParams(SessionStartTag, HParamsPluginDataField.SessionStartInfo, startInfo, now);
        _sessionOpen = true;
    }

    /// <summary>
    /// Ends the hparams session begun by <see cref="Hyperparameters"/> with status success or failure; does nothing
    /// when no session is open. A caller that catches a failed run calls <c>Complete(succeeded: false)</c> before
    /// disposing, since <see cref="Dispose"/> records success.
    /// </summary>
    public void Complete(bool succeeded = true)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_sessionOpen)
        {
            return;
        }

        double now = _clock();
        var endInfo = new ProtoWriter();
        endInfo.Int32(SessionEndInfoField.Status, succeeded ? HParamsStatus.Success : HParamsStatus.Failure);
        endInfo.Double(SessionEndInfoField.EndTimeSecs, now);
        AppendHParams(SessionEndTag, HParamsPluginDataField.SessionEndInfo, endInfo, now);
        _sessionOpen = false;
    }

    /// <summary>Markdown text for the text plugin: a scalar <c>DT_STRING</c> tensor, e.g. the run's configuration.</summary>
    public void Text(string tag, long step, string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var shape = new ProtoWriter(0);
        var tensor = new ProtoWriter(markdown.Length + 16);
        tensor.Int32(TensorField.Dtype, TensorDataType.String);
        tensor.Message(TensorField.TensorShape, shape);
        tensor.Bytes(TensorField.StringVal, Encoding.UTF8.GetBytes(markdown));
        var summaryValue = SummaryValue(tag, PluginMetadata(TextPluginName, []));
        summaryValue.Message(ValueField.Tensor, tensor);
        AppendSummary(step, summaryValue);
    }

    /// <summary>Appends the records written since the last flush to the file and flushes it to disk.</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending.Length == 0)
        {
            return;
        }

        _stream.Write(_pending.GetBuffer(), 0, (int)_pending.Length);
        _stream.Flush(flushToDisk: true);
        _pending.SetLength(0);
    }

    /// <summary>Ends an open hparams session as a success (see <see cref="Complete"/>), flushes and closes the file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            Complete();
            Flush();
        }
        finally
        {
            _disposed = true;
            _stream.Dispose();
        }
    }

    private static double SystemClock() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalSeconds;

    private static (string Path, FileStream Stream) CreateFile(string folder, string name)
    {
        // Two writers started in the same second in the same folder would pick the same name; the later one takes
        // the next free ".N" suffix rather than appending to, or replacing, the other's log.
        const int MaxAttempts = 1000;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, attempt == 0 ? name : $"{name}.{attempt}"));
            if (File.Exists(path))
            {
                continue;
            }

            try
            {
                return (path, new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another writer created it between the check and the open; try the next suffix.
            }
        }

        throw new IOException($"{System.IO.Path.Combine(folder, name)}: this name and its {MaxAttempts - 1} numbered variants all exist");
    }

    private static (ProtoWriter Value, int DataType) HParamValue(string name, object value)
    {
        var protoValue = new ProtoWriter();
        switch (value)
        {
            case string s:
                protoValue.String(StructValueField.StringValue, s);
                return (protoValue, HParamsDataType.String);
            case bool b:
                protoValue.Bool(StructValueField.BoolValue, b);
                return (protoValue, HParamsDataType.Bool);
            case Enum e:
                protoValue.String(StructValueField.StringValue, e.ToString());
                return (protoValue, HParamsDataType.String);
            case byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal:
                protoValue.Double(StructValueField.NumberValue, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                return (protoValue, HParamsDataType.Float64);
            default:
                throw new ArgumentException(
                    $"hyperparameter '{name}' has a value of type {value?.GetType().Name ?? "null"}; expected a string, bool, enum or number",
                    nameof(value));
        }
    }

    private static ProtoWriter PluginMetadata(string pluginName, ReadOnlySpan<byte> content)
    {
        var pluginData = new ProtoWriter();
        pluginData.String(PluginDataField.PluginName, pluginName);
        if (!content.IsEmpty)
        {
            pluginData.Bytes(PluginDataField.Content, content);
        }

        var metadata = new ProtoWriter();
        metadata.Message(SummaryMetadataField.PluginData, pluginData);
        return metadata;
    }

    private static ProtoWriter SummaryValue(string tag, ProtoWriter? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var value = new ProtoWriter();
        value.String(ValueField.Tag, tag);
        if (metadata is not null)
        {
            value.Message(ValueField.Metadata, metadata);
        }

        return value;
    }

    private void AppendHParams(string tag, int dataField, ProtoWriter data, double now)
    {
        var pluginData = new ProtoWriter();
        pluginData.Int32(HParamsPluginDataField.Version, 0);
        pluginData.Message(dataField, data);

        // The hparams plugin's own summaries carry an empty float vector as the value, since the content is all in
        // the metadata; a value with no data at all may be dropped by TensorBoard's loaders.
        var dim = new ProtoWriter();
        dim.Int64(TensorShapeDimField.Size, 0);
        var shape = new ProtoWriter();
        shape.Message(TensorShapeField.Dim, dim);
        var tensor = new ProtoWriter();
        tensor.Int32(TensorField.Dtype, TensorDataType.Float);
        tensor.Message(TensorField.TensorShape, shape);

        var value = SummaryValue(tag, PluginMetadata(HParamsPluginName, pluginData.WrittenSpan));
        value.Message(ValueField.Tensor, tensor);
        AppendSummary(step: 0, value, now);
    }

    private void AppendSummary(long step, ProtoWriter summaryValue) => AppendSummary(step, summaryValue, _clock());

    private void AppendSummary(long step, ProtoWriter summaryValue, double wallTime)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var summary = new ProtoWriter(summaryValue.Length + 8);
        summary.Message(SummaryField.Value, summaryValue);
        _event.Clear();
        _event.Double(EventField.WallTime, wallTime);
        _event.Int64(EventField.Step, step);
        _event.Message(EventField.Summary, summary);
        AppendRecord(_event.WrittenSpan);
    }

    private void AppendRecord(ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Mask(Crc32C.Compute(header[..8])));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Mask(Crc32C.Compute(payload)));
        _pending.Write(header);
        _pending.Write(payload);
        _pending.Write(footer);
    }

    // Field numbers and enum values, from the upstream .proto files named in the class remarks.
    private static class EventField
    {
        public const int WallTime = 1, Step = 2, FileVersion = 3, Summary = 5, SourceMetadata = 10;
    }

    private static class SourceMetadataField
    {
        public const int Writer = 1;
    }

    private static class SummaryField
    {
        public const int Value = 1;
    }

    private static class ValueField
    {
        public const int Tag = 1, SimpleValue = 2, Histo = 5, Tensor = 8, Metadata = 9;
    }

    private static class SummaryMetadataField
    {
        public const int PluginData = 1;
    }

    private static class PluginDataField
    {
        public const int PluginName = 1, Content = 2;
    }

    private static class HistogramField
    {
        public const int Min = 1, Max = 2, Num = 3, Sum = 4, SumSquares = 5, BucketLimit = 6, Bucket = 7;
    }

    private static class TensorField
    {
        public const int Dtype = 1, TensorShape = 2, StringVal = 8;
    }

    private static class TensorShapeField
    {
        public const int Dim = 2;
    }

    private static class TensorShapeDimField
    {
        public const int Size = 1;
    }

    private static class TensorDataType
    {
        public const int Float = 1, String = 7;
    }

    private static class HParamsPluginDataField
    {
        public const int Version = 1, Experiment = 2, SessionStartInfo = 3, SessionEndInfo = 4;
    }

    private static class ExperimentField
    {
        public const int TimeCreatedSecs = 3, HParamInfos = 4, MetricInfos = 5;
    }

    private static class HParamInfoField
    {
        public const int Name = 1, Type = 4;
    }

    private static class HParamsDataType
    {
        public const int String = 1, Bool = 2, Float64 = 3;
    }

    private static class MetricInfoField
    {
        public const int Name = 1;
    }

    private static class MetricNameField
    {
        public const int Tag = 2;
    }

    private static class SessionStartInfoField
    {
        public const int HParams = 1, StartTimeSecs = 5;
    }

    private static class SessionEndInfoField
    {
        public const int Status = 1, EndTimeSecs = 2;
    }

    private static class HParamsStatus
    {
        public const int Success = 1, Failure = 2;
    }

    /// <summary>A proto3 map entry: <c>key = 1</c>, <c>value = 2</c>.</summary>
    private static class MapEntryField
    {
        public const int Key = 1, Value = 2;
    }

    /// <summary><c>google.protobuf.Value</c> (struct.proto).</summary>
    private static class StructValueField
    {
        public const int NumberValue = 2, StringValue = 3, BoolValue = 4;
    }

    /// <summary>
    /// TFRecord's masked CRC, <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>: the rotation and offset keep the
    /// CRC of data that itself contains CRCs from being trivially related to it.
    /// </summary>
    internal static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}
