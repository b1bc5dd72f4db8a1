using System.Globalization;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Networks;

namespace Dfa.Sim.Workloads;

/// <summary>
/// The networks the simulator knows by name, each as a <see cref="NetworkSpec"/> for any output size <c>e</c>:
/// <c>mlp:784-800-800</c> (input and hidden widths; the output layer of <c>e</c> units is appended), <c>mnist-mlp</c>,
/// <c>mnist-cnn</c> (the network of <c>configs/cnn/</c>), <c>vgg16</c>, <c>alexnet</c>, <c>resnet50</c>, <c>bert-base</c>,
/// <c>bert-large</c> and <c>bert-large-pretrain</c> (the last four priced only: <c>dfa train</c> cannot build their
/// layers). Every hidden block with
/// weights is a feedback point; in VGG-16 and AlexNet a pooling layer belongs to the block of the convolution before it
/// and the feedback point is that convolution's output, as Launay et al. (2019) count those networks.
/// </summary>
public static partial class WorkloadCatalog
{
    /// <summary>The names <see cref="Create"/> accepts; <c>mlp:</c> takes dash-separated widths.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["mlp:<input>-<hidden>[-<hidden>...]", "mnist-mlp", "mnist-cnn", "vgg16", "alexnet", "resnet50", "bert-base", "bert-large", "bert-large-pretrain"];

    /// <summary>
    /// The network named <paramref name="name"/> (case-insensitive) with <paramref name="outputs"/> output units,
    /// optionally with a feedback point at the input.
    /// </summary>
    /// <exception cref="DfaInputException">Unknown name, malformed widths, or fewer than one output (two for <c>mnist-cnn</c>).</exception>
    public static NetworkSpec Create(string name, int outputs, bool feedbackAtInput = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (outputs < 1)
        {
            throw new DfaInputException($"A workload needs at least 1 output, got {outputs}.");
        }

        string key = name.Trim().ToLowerInvariant();
        NetworkSpec workload = key switch
        {
            "mnist-mlp" => MnistMlp(outputs),
            "mnist-cnn" => MnistCnn(outputs),
            "vgg16" => Vgg16(outputs),
            "alexnet" => AlexNet(outputs),
            "resnet50" => ResNet50(outputs),
            "bert-base" => BertBase(outputs),
            "bert-large" => BertLarge(outputs),
            "bert-large-pretrain" => BertLargePretraining(outputs),
            _ when key.StartsWith("mlp:", StringComparison.Ordinal) => Mlp(ParseWidths(name, key["mlp:".Length..]), outputs),
            _ => throw new DfaInputException(
                $"Unknown workload '{name}'; valid names: {string.Join(", ", Names)}."),
        };
        return feedbackAtInput ? workload.WithFeedbackAtInput() : workload;
    }

    /// <summary>
    /// A ReLU MLP: <paramref name="widths"/> = input then hidden widths (at least one), then an output layer of
    /// <paramref name="outputs"/> units; blocks <c>fc1</c>, <c>fc2</c>, …. Named <c>mlp:784-800-800</c> after its widths.
    /// </summary>
    public static NetworkSpec Mlp(IReadOnlyList<int> widths, int outputs)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2)
        {
            throw new ArgumentException(
                $"An MLP needs an input width and at least one hidden width, got {widths.Count} width(s).", nameof(widths));
        }

        var blocks = new List<BlockSpec>();
        for (int i = 1; i < widths.Count; i++)
        {
            blocks.Add(new BlockSpec($"fc{i}", [LayerSpec.Linear($"fc{i}", widths[i - 1], widths[i], $"init/fc{i}"), Relu($"act{i}", widths[i])]));
        }

        int last = widths.Count;
        blocks.Add(new BlockSpec($"fc{last}", [LayerSpec.Linear($"fc{last}", widths[^1], outputs, $"init/fc{last}")]));
        return new NetworkSpec("mlp:" + string.Join('-', widths), blocks);
    }

    /// <summary>
    /// The survey's MNIST MLP, 784-800-800-e (widths: the Dfa training network's default hidden widths
    /// <c>ModelConfig.Hidden = [800, 800]</c> on 28×28 MNIST images).
    /// </summary>
    public static NetworkSpec MnistMlp(int outputs) => Mlp([28 * 28, 800, 800], outputs).Named("mnist-mlp");

    /// <summary>
    /// The MNIST CNN every <c>configs/cnn/*.yaml</c> trains, built exactly as a config builds it
    /// (<see cref="NetworkSpec.From"/>): conv 1→32→64, 5×5, padding 2, ReLU, 2×2 max pooling; FC 3136→1024→e.
    /// </summary>
    /// <exception cref="DfaInputException">Fewer than 2 outputs (a classifier needs two classes).</exception>
    public static NetworkSpec MnistCnn(int outputs)
    {
        if (outputs < 2)
        {
            throw new DfaInputException($"mnist-cnn needs at least 2 outputs, got {outputs}.");
        }

        var config = new TrainConfig
        {
            Model = new ModelConfig
            {
                InputShape = [1, 28, 28],
                Conv = [32, 64],
                ConvKernel = 5,
                ConvPadding = 2,
                Pool = 2,
                PoolKind = PoolKind.Max,
                Hidden = [1024],
                Activation = ActivationKind.Relu,
            },
        };
        return NetworkSpec.From(config, 28 * 28, outputs, "mnist-cnn");
    }

    /// <summary>
    /// VGG-16, configuration D of Simonyan &amp; Zisserman 2015 (arXiv 1409.1556, Table 1), on a 3×224×224 input:
    /// 13 3×3 convolutions (stride 1, padding 1) in five stages of 64, 128, 256, 512, 512 channels, each stage
    /// closed by a 2×2 stride-2 max pool, then FC 25088→4096→4096→e. The 15 hidden layers with weights (13 conv +
    /// fc6, fc7) are the feedback points, as in Launay et al. 2019 (arXiv 1906.04554).
    /// </summary>
    public static NetworkSpec Vgg16(int outputs)
    {
        // Source: arXiv 1409.1556 Table 1, column D (also torchvision vgg16, cfg "D").
        int[][] stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
        var blocks = new List<BlockSpec>();
        var map = new ImageShape(3, 224, 224);
        for (int s = 0; s < stages.Length; s++)
        {
            for (int c = 0; c < stages[s].Length; c++)
            {
                string name = $"conv{s + 1}_{c + 1}";
                LayerSpec conv = LayerSpec.Convolution(name, new ConvShape(map, stages[s][c], Kernel: 3, Stride: 1, Padding: 1), $"init/{name}");
                map = conv.Conv!.Output;
                var layers = new List<LayerSpec> { conv, Relu($"act{s + 1}_{c + 1}", map.Size) };
                if (c == stages[s].Length - 1)
                {
                    LayerSpec pool = LayerSpec.Pooling($"pool{s + 1}", LayerKind.MaxPool, new PoolShape(map, Window: 2, Stride: 2));
                    layers.Add(pool);
                    map = pool.Pool!.Output("maxpool2d");
                }

                blocks.Add(new BlockSpec(name, layers, feedbackLayer: 0));
            }
        }

        AddClassifier(blocks, map.Size, outputs);
        return new NetworkSpec("vgg16", blocks);
    }

    /// <summary>
    /// AlexNet as torchvision builds it (single tower, after Krizhevsky 2014 "One weird trick", arXiv 1404.5997;
    /// torchvision/models/alexnet.py) on a 3×224×224 input: conv 11×11/4 pad 2 → 64, pool 3/2, conv 5×5 pad 2 → 192,
    /// pool 3/2, conv 3×3 pad 1 → 384, 256, 256, pool 3/2, FC 9216→4096→4096→e. Its AdaptiveAvgPool2d(6, 6) is the
    /// identity at this input size and its dropouts do no MACs, so neither is a layer here. The 7 hidden layers with
    /// weights (5 conv + fc6, fc7) are the feedback points.
    /// </summary>
    public static NetworkSpec AlexNet(int outputs)
    {
        var blocks = new List<BlockSpec>();
        var map = new ImageShape(3, 224, 224);
        (string Name, int Channels, int Kernel, int Stride, int Padding, bool Pool)[] convs =
        [
            ("conv1", 64, 11, 4, 2, true), ("conv2", 192, 5, 1, 2, true), ("conv3", 384, 3, 1, 1, false),
            ("conv4", 256, 3, 1, 1, false), ("conv5", 256, 3, 1, 1, true),
        ];
        foreach (var (name, channels, kernel, stride, padding, pooled) in convs)
        {
            LayerSpec conv = LayerSpec.Convolution(name, new ConvShape(map, channels, kernel, stride, padding), $"init/{name}");
            map = conv.Conv!.Output;
            var layers = new List<LayerSpec> { conv, Relu("act" + name[4..], map.Size) };
            if (pooled)
            {
                LayerSpec pool = LayerSpec.Pooling("pool" + name[4..], LayerKind.MaxPool, new PoolShape(map, Window: 3, Stride: 2));
                layers.Add(pool);
                map = pool.Pool!.Output("maxpool2d");
            }

            blocks.Add(new BlockSpec(name, layers, feedbackLayer: 0));
        }

        AddClassifier(blocks, map.Size, outputs);
        return new NetworkSpec("alexnet", blocks);
    }

    /// <summary>VGG's and AlexNet's classifier: fc6 and fc7 of 4096 (ReLU), fc8 onto the outputs.</summary>
    private static void AddClassifier(List<BlockSpec> blocks, int features, int outputs)
    {
        blocks.Add(new BlockSpec("fc6", [LayerSpec.Linear("fc6", features, 4096, "init/fc6"), Relu("act6", 4096)]));
        blocks.Add(new BlockSpec("fc7", [LayerSpec.Linear("fc7", 4096, 4096, "init/fc7"), Relu("act7", 4096)]));
        blocks.Add(new BlockSpec("fc8", [LayerSpec.Linear("fc8", 4096, outputs, "init/fc8")]));
    }

    private static LayerSpec Relu(string name, int size) => LayerSpec.ActivationOf(name, ActivationKind.Relu, size, new ModelConfig());

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
