using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Randomness;

namespace Dfa.Core.Training;

/// <summary>
/// Builds the survey's network: for each hidden width a block <c>Linear → [BatchNorm1d | LayerNorm] → activation →
/// [Dropout]</c>, then a Linear output block. With the survey's two hidden layers that is three linear layers with an
/// activation between them and dropout after the first and the second. With <c>model.conv</c>, convolutional blocks
/// come first (see <see cref="AddConvBlocks"/>).
/// </summary>
public static class NetworkBuilder
{
    public static Network Build(TrainConfig config, int inputs, int classes, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        int threads = config.EffectiveThreads;
        var blocks = new List<NetworkBlock>();
        int width = inputs;
        AddConvBlocks(config, inputs, seed, threads, blocks, ref width);
        IReadOnlyList<int> hidden = config.Model.Hidden;
        for (int i = 0; i < hidden.Count; i++)
        {
            int index = i + 1;
            var layers = new List<ILayer>
            {
                Named(new Linear(width, hidden[i], Rng.Derive(seed, $"init/fc{index}"), threads), $"fc{index}"),
            };
            if (config.UseBatchNorm)
            {
                layers.Add(Named(new BatchNorm1d(hidden[i]), $"bn{index}"));
            }

            if (config.UseLayerNorm)
            {
                layers.Add(Named(new LayerNorm(hidden[i]), $"ln{index}"));
            }

            layers.Add(Named(Threaded(Activations.Create(config.Model.Activation, hidden[i], config.Model), threads), $"act{index}"));
            if (config.DropoutP > 0)
            {
                layers.Add(new Dropout(hidden[i], config.DropoutP, Rng.Derive(seed, $"dropout/{index}")));
            }

            blocks.Add(new NetworkBlock($"hidden{index}", layers));
            width = hidden[i];
        }

        int output = hidden.Count + 1;
        blocks.Add(new NetworkBlock(
            "output",
            [Named(new Linear(width, classes, Rng.Derive(seed, $"init/fc{output}"), threads), $"fc{output}")]));
        return new Network(blocks) { Threads = threads };
    }

    /// <summary>
    /// The convolutional blocks of <c>model.conv</c>: <c>Conv2d → activation → pool</c> each, named <c>conv1</c>, …
    /// (parameters <c>conv1.weight</c>, …), on rows laid out as <c>model.input_shape</c> (NCHW per sample). BatchNorm,
    /// LayerNorm and dropout apply to the fully connected blocks only.
    /// </summary>
    /// <exception cref="DfaInputException">The input shape does not match the data, or a kernel or pool does not fit.</exception>
    private static void AddConvBlocks(TrainConfig config, int inputs, ulong seed, int threads, List<NetworkBlock> blocks, ref int width)
    {
        ModelConfig model = config.Model;
        if (model.Conv.Count == 0)
        {
            return;
        }

        var shape = new ImageShape(model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        if (shape.Size != inputs)
        {
            throw new DfaInputException(
                $"model.input_shape [{shape.Channels}, {shape.Height}, {shape.Width}] has {shape.Size} values per sample, but the data has {inputs} features");
        }

        for (int i = 0; i < model.Conv.Count; i++)
        {
            int index = i + 1;
            try
            {
                var conv = new Conv2d(
                    shape.Channels, model.Conv[i], shape.Height, shape.Width, model.ConvKernel, Rng.Derive(seed, $"init/conv{index}"),
                    model.ConvStride, model.ConvPadding, threads);
                ImageShape o = conv.OutputShape;
                var layers = new List<ILayer>
                {
                    Named(conv, $"conv{index}"),
                    Named(Threaded(Activations.Create(model.Activation, o.Size, model), threads), $"cact{index}"),
                };
                if (model.Pool > 1)
                {
                    IImageLayer pool = model.PoolKind == PoolKind.Max
                        ? new MaxPool2d(o.Channels, o.Height, o.Width, model.Pool) { Threads = threads }
                        : new AvgPool2d(o.Channels, o.Height, o.Width, model.Pool);
                    layers.Add(pool);
                    o = pool.OutputShape;
                }

                blocks.Add(new NetworkBlock($"conv{index}", layers));
                shape = o;
            }
            catch (ArgumentException ex)
            {
                throw new DfaInputException($"model.conv[{i}]: {ex.Message}");
            }
        }

        width = shape.Size;
    }

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
