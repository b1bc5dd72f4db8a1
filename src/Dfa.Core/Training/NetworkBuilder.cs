using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Randomness;

namespace Dfa.Core.Training;

/// <summary>
/// Builds the survey's network: for each hidden width a block <c>Linear → [BatchNorm1d | LayerNorm] → activation →
/// [Dropout]</c>, then a Linear output block. With the survey's two hidden layers that is three linear layers with an
/// activation between them and dropout after the first and the second.
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

            layers.Add(Named(Activations.Create(config.Model.Activation, hidden[i], config.Model), $"act{index}"));
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
        return new Network(blocks);
    }

    private static ILayer Named(ILayer layer, string prefix)
    {
        foreach (Parameter p in layer.Parameters)
        {
            p.Name = $"{prefix}.{p.Name}";
        }

        return layer;
    }
}
