using Dfa.Core;
using Dfa.Core.Config;

namespace Dfa.Sim.Workloads;

/// <summary>
/// The workload of the network a <see cref="TrainConfig"/> trains, block for block as
/// <c>Dfa.Core.Training.NetworkBuilder</c> builds it, so a config is priced on the network it really runs:
/// <list type="bullet">
/// <item><c>conv1..convK</c> (one per <c>model.conv</c> entry): a <c>k×k</c> stride-<c>s</c> padding-<c>p</c>
/// convolution with bias, its activation fused, then a <c>pool×pool</c> stride-<c>pool</c> max or average pooling
/// when <c>model.pool &gt; 1</c>. The block's last layer (the pooling, else the convolution) is its feedback point.</item>
/// <item><c>hidden1..hiddenH</c> (one per <c>model.hidden</c> width): a Linear with bias, a feedback point.</item>
/// <item><c>output</c>: a Linear with bias onto the classes.</item>
/// </list>
/// Parameters count every trainable value the network holds: besides weights and biases, BatchNorm's and LayerNorm's
/// <c>γ</c> and <c>β</c> (2 per hidden unit) and PReLU's one slope per activation, added to the block's convolution or
/// Linear layer; their own arithmetic (normalisation, activation) is not counted, as no activation's is. Dropout has no
/// parameters and no MACs and is not a layer here.
/// </summary>
public static class ConfigWorkload
{
    /// <summary>The workload of <paramref name="config"/>'s network on <paramref name="inputs"/> features and <paramref name="classes"/> classes.</summary>
    /// <param name="config">The training config (its <c>model</c> section and normalisation flags).</param>
    /// <param name="inputs">Features per sample; must equal the product of <c>model.input_shape</c> for a CNN.</param>
    /// <param name="classes">Output units, the error size <c>e</c>.</param>
    /// <param name="name">The workload's name in reports.</param>
    /// <exception cref="DfaInputException">The input shape does not match <paramref name="inputs"/>, or a kernel or pool does not fit.</exception>
    public static Workload From(TrainConfig config, int inputs, int classes, string name = "config")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ModelConfig model = config.Model;
        bool prelu = model.Activation == ActivationKind.Prelu;
        var layers = new List<WorkloadLayer>();
        int width = inputs;
        if (model.Conv.Count > 0)
        {
            var map = new ImageSize(model.InputShape[0], model.InputShape[1], model.InputShape[2]);
            if (map.Elements != inputs)
            {
                throw new DfaInputException(
                    $"model.input_shape [{map.Channels}, {map.Height}, {map.Width}] has {map.Elements} values per sample, but the data has {inputs} features");
            }

            for (int i = 0; i < model.Conv.Count; i++)
            {
                string block = $"conv{i + 1}";
                try
                {
                    bool pooled = model.Pool > 1;
                    WorkloadLayer conv = WorkloadLayer.Conv2d(block, map, model.Conv[i], model.ConvKernel, model.ConvStride, model.ConvPadding, isFeedbackPoint: !pooled);
                    layers.Add(prelu ? WithExtraParameters(conv, 1) : conv);
                    map = map.Window(model.Conv[i], model.ConvKernel, model.ConvStride, model.ConvPadding);
                    if (pooled)
                    {
                        string pool = $"pool{i + 1}";
                        layers.Add((model.PoolKind == PoolKind.Max
                            ? WorkloadLayer.MaxPool(pool, map, model.Pool, model.Pool, isFeedbackPoint: true)
                            : WorkloadLayer.AvgPool(pool, map, model.Pool, model.Pool, isFeedbackPoint: true)) with
                        { Block = block });
                        map = map.Window(map.Channels, model.Pool, model.Pool, padding: 0);
                    }
                }
                catch (ArgumentException ex)
                {
                    throw new DfaInputException($"model.conv[{i}]: {ex.Message}");
                }
            }

            width = map.Elements;
        }

        long normPerUnit = config.UseBatchNorm || config.UseLayerNorm ? 2 : 0;
        for (int i = 0; i < model.Hidden.Count; i++)
        {
            int n = model.Hidden[i];
            WorkloadLayer fc = WorkloadLayer.Linear($"fc{i + 1}", width, n, isFeedbackPoint: true) with { Block = $"hidden{i + 1}" };
            long extra = (normPerUnit * n) + (prelu ? 1 : 0);
            layers.Add(extra > 0 ? WithExtraParameters(fc, extra) : fc);
            width = n;
        }

        layers.Add(WorkloadLayer.Linear($"fc{model.Hidden.Count + 1}", width, classes, isFeedbackPoint: false) with { Block = "output" });
        return new Workload(name, layers, classes);
    }

    /// <summary>The layer with <paramref name="extra"/> more trainable values (norm scales and shifts, PReLU slopes) and the same work.</summary>
    private static WorkloadLayer WithExtraParameters(WorkloadLayer layer, long extra) =>
        new WorkloadLayer(layer.Name, layer.Kind, layer.InputSize, layer.OutputSize, layer.Parameters + extra, layer.ForwardMacs, layer.IsFeedbackPoint) with { Block = layer.Block };
}
