using Dfa.Core.Networks;

namespace Dfa.Sim.Cost;

/// <summary>
/// The kernels of a block's layers in each task of a step, at batch <c>b</c> and the run's <see cref="Precision"/>
/// (<c>s</c> bytes per activation; products read weights at <c>w</c> bytes: 4, or <c>s</c> for the copies of mixed
/// precision and int8, or 0 where weights sit in the synapses or cells that compute with them). Every layer is one
/// kernel (or the few named below) that reads each input tensor once and writes each output once: the compulsory
/// traffic, as if nothing stayed in a cache below the residence level and nothing were fused. Per sample, for a layer
/// of <c>n_in</c> inputs and <c>n</c> outputs:
/// <list type="table">
/// <listheader><term>layer</term><description>forward; backward (error side); weight gradient</description></listheader>
/// <item><term>Linear, Conv2d (<c>F</c> MACs, <c>W</c> weights)</term><description><c>F</c> MACs and
/// <c>W·w + (n_in + n)·s</c> bytes; the same for the input gradient; <c>F</c> MACs and <c>(n_in + n)·s + 4·W</c> bytes
/// (the FP32 gradient). Mixed precision and int8 add a cast kernel per step, <c>(4 + s)·W</c> bytes.</description></item>
/// <item><term>activation</term><description>1 op, <c>2n·s</c>; 1 FP32 multiply (by the derivative, as
/// <c>fp32_mul</c>), <c>3n·s</c>.</description></item>
/// <item><term>BatchNorm, BatchNorm2d, LayerNorm</term><description><see cref="NormForwardOps"/> ops, <c>2n·s</c>;
/// <see cref="NormBackwardOps"/> ops, <c>3n·s</c> (<c>γ</c>, <c>β</c> gradients included).</description></item>
/// <item><term>dropout</term><description>1 op, <c>2n·s + n</c> (a mask byte); the same backward.</description></item>
/// <item><term>pooling (window <c>k×k</c>)</term><description><c>k²</c> ops per output, <c>(n_in + n)·s</c>; 1 op per
/// output, <c>(n + n_in)·s</c>.</description></item>
/// <item><term>residual sum</term><description>1 op, <c>3n·s</c> (its shortcut convolution and BatchNorm2d, when it
/// has one, as the rows above); backward, where the error passes into the block's input: the shortcut's BatchNorm2d and
/// input gradient, and the sum of the two gradients at the block's input, 1 op and <c>3·n_in·s</c>.</description></item>
/// <item><term>attention (<c>S</c> tokens, <c>h</c> heads, <c>d</c> features)</term><description><c>QKᵀ</c>
/// (<c>S²·d</c> MACs, <c>(2S·d + h·S²)·s</c>), softmax with scale, mask and dropout (<see cref="SoftmaxForwardOps"/>
/// ops per score, <c>2h·S²·s + h·S²</c>), <c>P·V</c> (<c>S²·d</c> MACs, <c>(h·S² + 2S·d)·s</c>); backward <c>dP</c>,
/// <c>dV</c>, softmax (<see cref="SoftmaxBackwardOps"/> ops per score, <c>3h·S²·s + h·S²</c>), <c>dQ</c>, <c>dK</c>
/// (<c>4·S²·d</c> MACs in all).</description></item>
/// <item><term>embedding (<c>S</c> tokens)</term><description>3 rows of 4-byte tables read and summed per token: 2 ops
/// per output, <c>12n + n·s</c> bytes; no input gradient; the gradient scattered into the three tables: 3 ops per
/// output, <c>n·s + 12n</c>.</description></item>
/// <item><term>gather (<c>M</c> of <c>S</c> positions)</term><description>0 ops, <c>2n·s</c>; the error scattered into
/// a zeroed input gradient, <c>(n + n_in)·s</c>.</description></item>
/// </list>
/// Where the backward of a layer runs: <c>delta:B</c> takes the layers above the block's entry layer (its first with
/// weights, <see cref="BlockSpec.EntryLayer"/>) but a residual sum; <c>input-grad:B</c> the entry layer, those below it
/// and the residual sums; <c>weight-grad:B</c> the weight gradients.
/// </summary>
internal sealed class LayerKernels(Precision precision, double batch, bool weightsInPlace)
{
    /// <summary>Normalisation forward per element: statistics (sum, square, sum of squares), normalise (subtract, scale), affine (×γ, +β).</summary>
    public const int NormForwardOps = 7;

    /// <summary>Normalisation backward per element: <c>dy·x̂</c> and the two sums for <c>dγ</c>, <c>dβ</c>, and <c>dx = γ/σ·(dy − mean(dy) − x̂·mean(dy·x̂))</c>.</summary>
    public const int NormBackwardOps = 8;

    /// <summary>Attention scores forward per score: scale, mask, max-subtract, exponential, normalise, dropout.</summary>
    public const int SoftmaxForwardOps = 6;

    /// <summary>Attention scores backward per score: dropout, <c>dP·P</c>, the row sum, multiply-subtract, scale.</summary>
    public const int SoftmaxBackwardOps = 5;

    private readonly double _b = batch;
    private readonly double _s = Precisions.ActivationBytes(precision);
    private readonly double _w = weightsInPlace ? 0 : Precisions.ActivationBytes(precision);
    private readonly bool _cast = !weightsInPlace && Precisions.KeepsMasterWeights(precision);
    private readonly StepOp _mac = MacOf(precision);

    /// <summary>The operation a product's multiply-accumulates are priced as in <paramref name="precision"/>.</summary>
    public static StepOp MacOf(Precision precision) => precision switch
    {
        Precision.Tf32 => StepOp.Tf32Mac,
        Precision.Fp16 => StepOp.Fp16Mac,
        Precision.Bf16 => StepOp.Bf16Mac,
        Precision.Int8 => StepOp.Int8Mac,
        _ => StepOp.Fp32Mac,
    };

    /// <summary>Bytes of FP32 gradients, master weights and optimizer state per parameter (0 where weights never move).</summary>
    private double Fp32 => weightsInPlace ? 0 : 4;

    /// <summary>The <c>forward:B</c> kernels of <paramref name="block"/>.</summary>
    public StepWork Forward(BlockSpec block)
    {
        var work = new StepWork("forward");
        foreach (LayerSpec l in block.Layers)
        {
            double n = _b * l.OutputSize, nIn = _b * l.InputSize;
            switch (l.Kind)
            {
                case LayerKind.Linear or LayerKind.Conv2d:
                    Product(work, l.Name, l.ForwardMacs, ProductWeights(l), nIn + n, Rows(l));
                    if (_cast && !l.TiedWeights)
                    {
                        Kernel(work, l.Name + ":cast", 0, (4 + _w) * ProductWeights(l));
                    }

                    break;
                case LayerKind.Activation:
                    Kernel(work, l.Name, n, 2 * n * _s);
                    break;
                case LayerKind.BatchNorm or LayerKind.BatchNorm2d or LayerKind.LayerNorm:
                    Kernel(work, l.Name, NormForwardOps * n, 2 * n * _s);
                    break;
                case LayerKind.Dropout:
                    Kernel(work, l.Name, n, (2 * n * _s) + n);
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    Kernel(work, l.Name, n * l.Pool!.Window * l.Pool.Window, (nIn + n) * _s);
                    break;
                case LayerKind.ResidualAdd:
                    if (l.Shortcut is { } shortcut)
                    {
                        Product(work, l.Name + ":shortcut", l.ForwardMacs, ShortcutWeights(l), (_b * shortcut.Input.Size) + n, ShortcutRows(l));
                        Kernel(work, l.Name + ":shortcut-bn", NormForwardOps * n, 2 * n * _s);
                        if (_cast)
                        {
                            Kernel(work, l.Name + ":cast", 0, (4 + _w) * ShortcutWeights(l));
                        }
                    }

                    Kernel(work, l.Name, n, 3 * n * _s);
                    break;
                case LayerKind.Attention:
                    double scores = _b * l.Heads * (double)l.Positions * l.Positions, tokens = n;
                    Product(work, l.Name + ":qk", l.ForwardMacs / 2, 0, (2 * tokens) + scores, Rows(l));
                    Kernel(work, l.Name + ":softmax", SoftmaxForwardOps * scores, (2 * scores * _s) + scores);
                    Product(work, l.Name + ":pv", l.ForwardMacs / 2, 0, scores + (2 * tokens), Rows(l));
                    break;
                case LayerKind.Embedding:
                    Kernel(work, l.Name, 2 * n, (12 * n) + (n * _s));
                    break;
                case LayerKind.Gather:
                    Kernel(work, l.Name, 0, 2 * n * _s);
                    break;
            }
        }

        return work;
    }

    /// <summary>The <c>delta:B</c> kernels: the backward of the layers above the entry layer, residual sums aside.</summary>
    public StepWork Delta(BlockSpec block)
    {
        var work = new StepWork("delta");
        for (int i = block.Layers.Count - 1; i > block.EntryLayer; i--)
        {
            if (block.Layers[i].Kind != LayerKind.ResidualAdd)
            {
                Backward(work, block.Layers[i]);
            }
        }

        return work;
    }

    /// <summary>The <c>input-grad:B</c> kernels: the entry layer's input gradient, the layers below it, and the residual sums' backward.</summary>
    public StepWork InputGradient(BlockSpec block)
    {
        var work = new StepWork("input-grad");
        foreach (LayerSpec l in block.Layers.Skip(block.EntryLayer + 1).Where(l => l.Kind == LayerKind.ResidualAdd))
        {
            Backward(work, l);
        }

        for (int i = block.EntryLayer; i >= 0; i--)
        {
            Backward(work, block.Layers[i]);
        }

        return work;
    }

    /// <summary>The <c>weight-grad:B</c> kernels: every product's weight gradient (shortcuts included) and the embeddings' scatter.</summary>
    public StepWork WeightGradient(BlockSpec block)
    {
        var work = new StepWork("weight-grad");
        foreach (LayerSpec l in block.Layers)
        {
            double n = _b * l.OutputSize, nIn = _b * l.InputSize;
            switch (l.Kind)
            {
                case LayerKind.Linear or LayerKind.Conv2d:
                    StepWork product = Kernel(work, l.Name, 0, ((nIn + n) * _s) + (Fp32 * ProductWeights(l)));
                    product.Add(_mac, l.ForwardMacs * _b);
                    product.Rows = Rows(l);
                    break;
                case LayerKind.ResidualAdd when l.Shortcut is { } shortcut:
                    StepWork shortcutGradient = Kernel(work, l.Name + ":shortcut", 0, (((_b * shortcut.Input.Size) + n) * _s) + (Fp32 * ShortcutWeights(l)));
                    shortcutGradient.Add(_mac, l.ForwardMacs * _b);
                    shortcutGradient.Rows = ShortcutRows(l);
                    break;
                case LayerKind.Embedding:
                    Kernel(work, l.Name, 3 * n, (n * _s) + (12 * n));
                    break;
            }
        }

        return work;
    }

    /// <summary>Mixed precision and int8: the loss-scale pass over the FP32 gradients of <paramref name="parameters"/> (1 op, 8 bytes each).</summary>
    public StepWork? Unscale(double parameters)
    {
        if (!_cast || parameters <= 0)
        {
            return null;
        }

        var work = new StepWork("unscale");
        work.Add(StepOp.Elementwise, parameters);
        work.Bytes = 8 * parameters;
        return work;
    }

    /// <summary>The backward kernels of one layer on the error side (its input gradient).</summary>
    private void Backward(StepWork work, LayerSpec l)
    {
        double n = _b * l.OutputSize, nIn = _b * l.InputSize;
        switch (l.Kind)
        {
            case LayerKind.Linear or LayerKind.Conv2d:
                Product(work, l.Name, l.InputGradientMacs, ProductWeights(l), nIn + n, Rows(l));
                break;
            case LayerKind.Activation:
                Kernel(work, l.Name, 0, 3 * n * _s).Add(StepOp.Fp32Mul, n);
                break;
            case LayerKind.BatchNorm or LayerKind.BatchNorm2d or LayerKind.LayerNorm:
                Kernel(work, l.Name, NormBackwardOps * n, 3 * n * _s);
                break;
            case LayerKind.Dropout:
                Kernel(work, l.Name, n, (2 * n * _s) + n);
                break;
            case LayerKind.MaxPool or LayerKind.AvgPool:
                Kernel(work, l.Name, n, (n + nIn) * _s);
                break;
            case LayerKind.ResidualAdd:
                double blockInput = n;
                if (l.Shortcut is { } shortcut)
                {
                    blockInput = _b * shortcut.Input.Size;
                    Kernel(work, l.Name + ":shortcut-bn", NormBackwardOps * n, 3 * n * _s);
                    Product(work, l.Name + ":shortcut", l.ForwardMacs, ShortcutWeights(l), blockInput + n, ShortcutRows(l));
                }

                Kernel(work, l.Name, blockInput, 3 * blockInput * _s);
                break;
            case LayerKind.Attention:
                double scores = _b * l.Heads * (double)l.Positions * l.Positions, tokens = n;
                long quarter = l.InputGradientMacs / 4;
                Product(work, l.Name + ":dp", quarter, 0, (2 * tokens) + scores, Rows(l));
                Product(work, l.Name + ":dv", quarter, 0, scores + (2 * tokens), Rows(l));
                Kernel(work, l.Name + ":softmax", SoftmaxBackwardOps * scores, (3 * scores * _s) + scores);
                Product(work, l.Name + ":dq", quarter, 0, scores + (2 * tokens), Rows(l));
                Product(work, l.Name + ":dk", quarter, 0, scores + (2 * tokens), Rows(l));
                break;
            case LayerKind.Gather:
                Kernel(work, l.Name, 0, (n + nIn) * _s);
                break;
        }
    }

    /// <summary>A product of <paramref name="macs"/> per sample that reads <paramref name="weights"/> weights and moves <paramref name="elements"/> activations.</summary>
    private void Product(StepWork work, string name, long macs, double weights, double elements, double? rows = null)
    {
        StepWork k = Kernel(work, name, 0, (weights * _w) + (elements * _s));
        k.Add(_mac, macs * _b);
        k.Rows = rows ?? _b;
    }

    /// <summary>
    /// The rows of a layer's GEMMs for a profile's efficiency curve: the batch times the positions it is applied at
    /// (a convolution's output pixels, a Linear's tokens).
    /// </summary>
    private double Rows(LayerSpec l) => _b * (l.Conv is { } conv ? (double)l.OutputSize / conv.OutChannels : l.Positions);

    /// <summary>A residual shortcut convolution's rows: the batch times the block's output pixels.</summary>
    private double ShortcutRows(LayerSpec l) => _b * (double)l.OutputSize / l.Shortcut!.OutChannels;

    private static StepWork Kernel(StepWork work, string name, double ops, double bytes)
    {
        StepWork k = work.Then(name);
        k.Add(StepOp.Elementwise, ops);
        k.Bytes = bytes;
        return k;
    }

    /// <summary>The weights (and bias) a product reads: a Linear's <c>in·out + out</c> per position, tied or not; a convolution's parameters.</summary>
    private static double ProductWeights(LayerSpec l) => l.Kind == LayerKind.Linear
        ? ((double)(l.InputSize / l.Positions) * (l.OutputSize / l.Positions)) + (l.OutputSize / l.Positions)
        : l.Parameters;

    /// <summary>A shortcut convolution's weights (its parameters less the BatchNorm2d's <c>γ</c>, <c>β</c>).</summary>
    private static double ShortcutWeights(LayerSpec l) => l.Parameters - (2.0 * l.Shortcut!.OutChannels);
}
