using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Binary;

/// <summary>Binary feedback ±s at one bit per weight (Han &amp; Yoo 2019, BDFA); see <see cref="BinaryProjector"/>.</summary>
public sealed class BinaryBackend : IFeedbackBackend
{
    public string Name => "binary";

    public string Description => "±scale feedback weights at 1 bit each, float or ternary (popcount) error (Han & Yoo 2019)";

    public IBackendSection Section => BinaryOptions.Section;

    /// <summary>
    /// Targets against the dense backend at e = 1000 → 2 × 4096: at least 4× at batch 1 (issue 3) and 1.2× at batch 128 (issue 16)
    /// with the float error; the ternary (popcount) path is measured without a target.
    /// </summary>
    public IReadOnlyList<BackendVariant> Variants { get; } =
    [
        new("binary", null, [new SpeedTarget(1, OnRatio: true, 4), new SpeedTarget(128, OnRatio: true, 1.2)]),
        new("binary-ternary", new BinaryOptions { Error = ErrorEncoding.Ternary }, [new SpeedTarget(128)]),
    ];

    /// <exception cref="DfaInputException">
    /// <c>feedback.init</c> is not the default, <c>feedback.scale</c> is not positive and finite, or
    /// <c>feedback.binary.error</c> / <c>feedback.binary.threshold</c> is out of range.
    /// </exception>
    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        BinaryOptions binary = Validate(options);
        return new BinaryProjector(shape, binary.Error, binary.Threshold, options.Scale, seed, threads);
    }

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed) =>
        new BinaryCountingReference(shape, Validate(options), options.Scale, seed);

    /// <summary>
    /// Closed-form storage and work (an independent restatement of what <see cref="BinaryProjector"/> counts).
    /// Float path, per layer: <c>b·e·n</c> fp32 adds, <c>b·n</c> fp32 multiplies, <c>64·e·⌈n/64⌉</c> feedback bits,
    /// <c>4·b·e</c> error bytes, <c>4·b·n</c> signal bytes. Ternary path, once per call: <c>2·b·e</c> fp32 compares,
    /// <c>b·e</c> fp32 adds, <c>2·b·e</c> int adds, <c>2·b</c> fp32 multiplies, <c>4·b·e</c> error bytes; per layer, with <c>w = ⌈e/64⌉</c>: <c>2·b·n·w</c> popcounts,
    /// <c>b·n·(2w + 2)</c> int adds, <c>b·(n + 1)</c> fp32 multiplies, <c>64·n·w</c> feedback bits,
    /// <c>16·b·w</c> error bytes (the packed P and N), <c>4·b·n</c> signal bytes.
    /// </summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        BinaryOptions binary = Validate(options);
        long b = batch;
        long e = shape.ErrorSize;
        long total = shape.TotalLayerSize;
        int layers = shape.LayerSizes.Count;
        var perCall = new ActionCounts();
        if (binary.Error == ErrorEncoding.Float)
        {
            long paddedColumns = shape.LayerSizes.Sum(n => (n + 63L) / 64 * 64);
            perCall.Add(HardwareAction.Fp32Add, checked(b * e * total));
            perCall.Add(HardwareAction.Fp32Multiply, checked(b * total));
            perCall.Add(HardwareAction.FeedbackBitsRead, checked(e * paddedColumns));
            perCall.Add(HardwareAction.ErrorBytesRead, checked(4 * b * e * layers));
            perCall.Add(HardwareAction.SignalBytesWritten, checked(4 * b * total));
        }
        else
        {
            long w = (e + 63) / 64;
            perCall.Add(HardwareAction.Fp32Compare, checked(2 * b * e));
            perCall.Add(HardwareAction.Fp32Add, checked(b * e));
            perCall.Add(HardwareAction.Int32Add, checked((2 * b * e) + (b * total * ((2 * w) + 2))));
            perCall.Add(HardwareAction.Popcount64, checked(2 * b * total * w));
            perCall.Add(HardwareAction.Fp32Multiply, checked((2 * b) + (b * (total + layers))));
            perCall.Add(HardwareAction.FeedbackBitsRead, checked(64 * w * total));
            perCall.Add(HardwareAction.ErrorBytesRead, checked((4 * b * e) + (16 * b * w * layers)));
            perCall.Add(HardwareAction.SignalBytesWritten, checked(4 * b * total));
        }

        return new FeedbackPrediction(StorageFor(shape, binary.Error), new ActionCounts(), perCall, FeedbackPrecision.OneBit);
    }

    /// <summary>Storage predicted from the shape alone: <c>e·Σn</c> sign bits plus the padding of the chosen layout.</summary>
    private static FeedbackStorage StorageFor(FeedbackShape shape, ErrorEncoding error)
    {
        long e = shape.ErrorSize;
        long weights = checked(e * shape.TotalLayerSize);
        long allocated = error == ErrorEncoding.Float
            ? checked(e * shape.LayerSizes.Sum(n => (n + 63L) / 64 * 64))
            : checked((e + 63) / 64 * 64 * shape.TotalLayerSize);
        return new FeedbackStorage(BinaryProjector.LayoutName(error), weights, 0, allocated - weights, 0);
    }

    private static BinaryOptions Validate(FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Init != FeedbackInit.Gaussian)
        {
            throw new DfaInputException("feedback.init does not apply to the binary backend: its weights are ±scale");
        }

        if (options.Scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new DfaInputException($"feedback.scale must be positive and finite, got {s}");
        }

        BinaryOptions binary = options.Options<BinaryOptions>() ?? new BinaryOptions();
        if (!Enum.IsDefined(binary.Error))
        {
            throw new DfaInputException($"feedback.binary.error must be float or ternary, got {binary.Error}");
        }

        if (!(binary.Threshold >= 0 && binary.Threshold < 1))
        {
            throw new DfaInputException($"feedback.binary.threshold must be a fraction in [0, 1), got {binary.Threshold}");
        }

        return binary;
    }
}
