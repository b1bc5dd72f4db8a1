using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Networks;
using Dfa.Core.Randomness;

namespace Dfa.Core.Training;

/// <summary>
/// Allocates a <see cref="Network"/> from its <see cref="NetworkSpec"/>: one layer per layer spec, its parameters
/// named after it (<c>fc1.weight</c>), its initial weights or dropout masks drawn from the spec's stream of the seed.
/// For a config that is the survey's network (<see cref="NetworkSpec.From"/>).
/// </summary>
public static class NetworkBuilder
{
    /// <summary>The network <paramref name="config"/> trains on <paramref name="inputs"/> features and <paramref name="classes"/> classes.</summary>
    /// <exception cref="DfaInputException">The input shape does not match, or a kernel or pool does not fit.</exception>
    public static Network Build(TrainConfig config, int inputs, int classes, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Build(NetworkSpec.From(config, inputs, classes), seed, config.EffectiveThreads);
    }

    /// <summary>Allocates <paramref name="spec"/> with its weights drawn from <paramref name="seed"/>.</summary>
    /// <exception cref="DfaInputException">A convolution the kernels cannot run (e.g. a column matrix too large to allocate).</exception>
    public static Network Build(NetworkSpec spec, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var blocks = new List<NetworkBlock>();
        int conv = 0;
        foreach (BlockSpec block in spec.Blocks)
        {
            bool convolutional = block.HasConvolution;
            try
            {
                blocks.Add(new NetworkBlock(block.Name, [.. block.Layers.Select(l => Allocate(l, seed, threads))]));
            }
            catch (ArgumentException ex) when (convolutional)
            {
                throw new DfaInputException($"model.conv[{conv}]: {ex.Message}");
            }

            conv += convolutional ? 1 : 0;
        }

        return new Network(blocks) { Threads = threads };
    }

    private static ILayer Allocate(LayerSpec l, ulong seed, int threads)
    {
        if (!l.Allocatable)
        {
            throw new DfaInputException(
                $"layer '{l.Name}' ({Describe(l)}) is priced by the simulator only; dfa train cannot build it");
        }

        Rng Stream() => Rng.Derive(seed, l.Stream ?? throw new InvalidOperationException($"Layer '{l.Name}' draws random numbers but names no stream."));
        ILayer layer = l.Kind switch
        {
            LayerKind.Linear => new Linear(l.InputSize, l.OutputSize, Stream(), threads),
            LayerKind.Conv2d => new Conv2d(
                l.Conv!.Input.Channels, l.Conv.OutChannels, l.Conv.Input.Height, l.Conv.Input.Width, l.Conv.Kernel, Stream(), l.Conv.Stride, l.Conv.Padding, threads),
            LayerKind.MaxPool => new MaxPool2d(l.Pool!.Input.Channels, l.Pool.Input.Height, l.Pool.Input.Width, l.Pool.Window, l.Pool.Stride) { Threads = threads },
            LayerKind.AvgPool => new AvgPool2d(l.Pool!.Input.Channels, l.Pool.Input.Height, l.Pool.Input.Width, l.Pool.Window, l.Pool.Stride),
            LayerKind.BatchNorm => new BatchNorm1d(l.OutputSize),
            LayerKind.LayerNorm => new LayerNorm(l.OutputSize),
            LayerKind.Activation => Threaded(
                Activations.Create(
                    l.Activation!.Value, l.OutputSize, new ModelConfig { NegativeSlope = l.NegativeSlope, PreluInit = l.PreluInit, CeluAlpha = l.CeluAlpha }),
                threads),
            LayerKind.Dropout => new Dropout(l.OutputSize, l.DropoutP, Stream()),
            _ => throw new ArgumentOutOfRangeException(nameof(l), l.Kind, "Unknown layer kind."),
        };
        return layer.Parameters.Count > 0 || layer is IStatefulLayer ? Named(layer, l.Name) : layer;
    }

    private static string Describe(LayerSpec l) => l.Kind switch
    {
        LayerKind.Linear when l.TiedWeights => "a Linear with tied weights",
        LayerKind.Linear or LayerKind.LayerNorm or LayerKind.Activation or LayerKind.Dropout or LayerKind.BatchNorm => $"{l.Kind} at {l.Positions} positions",
        LayerKind.Conv2d => "a convolution without bias",
        LayerKind.MaxPool or LayerKind.AvgPool => "padded pooling",
        _ => l.Kind.ToString(),
    };

    /// <summary>Lets an element-wise activation split its passes over <paramref name="threads"/> (results do not depend on it).</summary>
    private static ILayer Threaded(ILayer layer, int threads)
    {
        if (layer is Activation activation)
        {
            activation.Threads = threads;
        }

        return layer;
    }

    private static ILayer Named(ILayer layer, string prefix)
    {
        foreach (Parameter p in layer.Parameters)
        {
            p.Name = $"{prefix}.{p.Name}";
        }

        foreach (LayerBuffer b in (layer as IStatefulLayer)?.Buffers ?? [])
        {
            b.Name = $"{prefix}.{b.Name}";
        }

        return layer;
    }
}
