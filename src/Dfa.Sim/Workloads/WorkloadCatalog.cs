using System.Globalization;
using Dfa.Core;

namespace Dfa.Sim.Workloads;

/// <summary>
/// The workloads the simulator knows by name, each for any output size <c>e</c>: <c>mlp:784-800-800</c> (input
/// and hidden widths; the output layer of <c>e</c> units is appended), <c>mnist-mlp</c>, <c>vgg16</c>,
/// <c>alexnet</c>. Every hidden layer with weights is a feedback point; pooling outputs never are, and a pooling layer
/// belongs to the block of the convolution before it.
/// </summary>
public static class WorkloadCatalog
{
    /// <summary>The names <see cref="Create"/> accepts; <c>mlp:</c> takes dash-separated widths.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mlp:<input>-<hidden>[-<hidden>...]", "mnist-mlp", "vgg16", "alexnet"];

    /// <summary>
    /// The workload named <paramref name="name"/> (case-insensitive) with <paramref name="outputs"/> output units,
    /// optionally with a feedback point at the input.
    /// </summary>
    /// <exception cref="DfaInputException">Unknown name, malformed widths, or fewer than one output.</exception>
    public static Workload Create(string name, int outputs, bool feedbackAtInput = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (outputs < 1)
        {
            throw new DfaInputException($"A workload needs at least 1 output, got {outputs}.");
        }

        string key = name.Trim().ToLowerInvariant();
        Workload workload = key switch
        {
            "mnist-mlp" => MnistMlp(outputs),
            "vgg16" => Vgg16(outputs),
            "alexnet" => AlexNet(outputs),
            _ when key.StartsWith("mlp:", StringComparison.Ordinal) => Mlp(ParseWidths(name, key["mlp:".Length..]), outputs),
            _ => throw new DfaInputException(
                $"Unknown workload '{name}'; valid names: {string.Join(", ", Names)}."),
        };
        return feedbackAtInput ? workload.WithFeedbackAtInput() : workload;
    }

    /// <summary>
    /// A ReLU-style MLP: <paramref name="widths"/> = input then hidden widths (at least one), then an output layer of
    /// <paramref name="outputs"/> units. Named <c>mlp:784-800-800</c> after its widths.
    /// </summary>
    public static Workload Mlp(IReadOnlyList<int> widths, int outputs)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2)
        {
            throw new ArgumentException(
                $"An MLP needs an input width and at least one hidden width, got {widths.Count} width(s).", nameof(widths));
        }

        var layers = new List<WorkloadLayer>();
        for (int i = 1; i < widths.Count; i++)
        {
            layers.Add(WorkloadLayer.Linear($"fc{i}", widths[i - 1], widths[i], isFeedbackPoint: true));
        }

        layers.Add(WorkloadLayer.Linear($"fc{widths.Count}", widths[^1], outputs, isFeedbackPoint: false));
        return new Workload("mlp:" + string.Join('-', widths), layers, outputs);
    }

    /// <summary>
    /// The survey's MNIST MLP, 784-800-800-e (widths: the Dfa training network's default hidden widths
    /// <c>ModelConfig.Hidden = [800, 800]</c> on 28×28 MNIST images).
    /// </summary>
    public static Workload MnistMlp(int outputs)
    {
        Workload mlp = Mlp([28 * 28, 800, 800], outputs);
        return new Workload("mnist-mlp", mlp.Layers, outputs);
    }

    /// <summary>
    /// VGG-16, configuration D of Simonyan &amp; Zisserman 2015 (arXiv 1409.1556, Table 1), on a 3×224×224 input:
    /// 13 3×3 convolutions (stride 1, padding 1) in five stages of 64, 128, 256, 512, 512 channels, each stage
    /// closed by a 2×2 stride-2 max pool, then FC 25088→4096→4096→e. The 15 hidden layers with weights (13 conv +
    /// fc6, fc7) are the feedback points, as in Launay et al. 2019 (arXiv 1906.04554; hardware-anchors.md §4).
    /// </summary>
    public static Workload Vgg16(int outputs)
    {
        // Source: arXiv 1409.1556 Table 1, column D (also torchvision vgg16, cfg "D").
        int[][] stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
        var layers = new List<WorkloadLayer>();
        var map = new ImageSize(3, 224, 224);
        for (int s = 0; s < stages.Length; s++)
        {
            for (int c = 0; c < stages[s].Length; c++)
            {
                WorkloadLayer conv = WorkloadLayer.Conv2d(
                    $"conv{s + 1}_{c + 1}", map, stages[s][c], kernel: 3, stride: 1, padding: 1, isFeedbackPoint: true);
                layers.Add(conv);
                map = new ImageSize(stages[s][c], map.Height, map.Width);
            }

            WorkloadLayer pool = WorkloadLayer.MaxPool($"pool{s + 1}", map, kernel: 2, stride: 2) with { Block = layers[^1].Block };
            layers.Add(pool);
            map = map.Window(map.Channels, kernel: 2, stride: 2, padding: 0);
        }

        layers.Add(WorkloadLayer.Linear("fc6", map.Elements, 4096, isFeedbackPoint: true));
        layers.Add(WorkloadLayer.Linear("fc7", 4096, 4096, isFeedbackPoint: true));
        layers.Add(WorkloadLayer.Linear("fc8", 4096, outputs, isFeedbackPoint: false));
        return new Workload("vgg16", layers, outputs);
    }

    /// <summary>
    /// AlexNet as torchvision builds it (single tower, after Krizhevsky 2014 "One weird trick", arXiv 1404.5997;
    /// torchvision/models/alexnet.py) on a 3×224×224 input: conv 11×11/4 pad 2 → 64, pool 3/2, conv 5×5 pad 2 → 192,
    /// pool 3/2, conv 3×3 pad 1 → 384, 256, 256, pool 3/2, FC 9216→4096→4096→e. Its AdaptiveAvgPool2d(6, 6) is the
    /// identity at this input size and its dropouts do no MACs, so neither is a layer here. The 7 hidden layers with
    /// weights (5 conv + fc6, fc7) are the feedback points.
    /// </summary>
    public static Workload AlexNet(int outputs)
    {
        var layers = new List<WorkloadLayer>();
        var map = new ImageSize(3, 224, 224);
        map = AddConv(layers, "conv1", map, 64, kernel: 11, stride: 4, padding: 2);
        map = AddPool(layers, "pool1", map);
        map = AddConv(layers, "conv2", map, 192, kernel: 5, stride: 1, padding: 2);
        map = AddPool(layers, "pool2", map);
        map = AddConv(layers, "conv3", map, 384, kernel: 3, stride: 1, padding: 1);
        map = AddConv(layers, "conv4", map, 256, kernel: 3, stride: 1, padding: 1);
        map = AddConv(layers, "conv5", map, 256, kernel: 3, stride: 1, padding: 1);
        map = AddPool(layers, "pool5", map);
        layers.Add(WorkloadLayer.Linear("fc6", map.Elements, 4096, isFeedbackPoint: true));
        layers.Add(WorkloadLayer.Linear("fc7", 4096, 4096, isFeedbackPoint: true));
        layers.Add(WorkloadLayer.Linear("fc8", 4096, outputs, isFeedbackPoint: false));
        return new Workload("alexnet", layers, outputs);

        static ImageSize AddConv(List<WorkloadLayer> layers, string name, ImageSize map, int channels, int kernel, int stride, int padding)
        {
            layers.Add(WorkloadLayer.Conv2d(name, map, channels, kernel, stride, padding, isFeedbackPoint: true));
            return map.Window(channels, kernel, stride, padding);
        }

        static ImageSize AddPool(List<WorkloadLayer> layers, string name, ImageSize map)
        {
            layers.Add(WorkloadLayer.MaxPool(name, map, kernel: 3, stride: 2) with { Block = layers[^1].Block });
            return map.Window(map.Channels, kernel: 3, stride: 2, padding: 0);
        }
    }

    private static int[] ParseWidths(string name, string text)
    {
        string[] parts = text.Split('-');
        var widths = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out widths[i]) || widths[i] < 1)
            {
                throw new DfaInputException(
                    $"Workload '{name}': width '{parts[i]}' is not a positive integer; expected mlp:<input>-<hidden>[-<hidden>...], e.g. mlp:784-800-800.");
            }
        }

        if (widths.Length < 2)
        {
            throw new DfaInputException(
                $"Workload '{name}' needs an input width and at least one hidden width, e.g. mlp:784-800-800.");
        }

        return widths;
    }
}
