using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Counting;

/// <summary>
/// The work of one training step counted where it is done: the step of a <see cref="MethodPlan"/> run on random
/// tensors of its network's shapes through <see cref="CountingKernels"/> (and, for projecting modules, a feedback
/// backend's <see cref="ICountingReference"/>), with the tallies kept by task kind as the cost model prices them
/// (forward, projection, delta, input gradient, weight gradient, update). Bias adds and bias gradients are counted
/// too, apart (<see cref="Unpriced"/>): the cost model does not price them. Activations, pooling, normalisation and
/// dropout pass values through unchanged here (their own arithmetic is not priced); an activation's derivative multiply
/// is. Slow (scalar loops): for tests on small networks.
/// </summary>
public sealed class CountedStep
{
    private readonly Dictionary<string, (Matrix W, Matrix? B)> _weights = [];

    private CountedStep()
    {
    }

    public ActionCounts Forward { get; } = new();

    public ActionCounts Projection { get; } = new();

    /// <summary>Derivative multiplies, and input gradients of layers with weights after a block's first priced layer.</summary>
    public ActionCounts Delta { get; } = new();

    public ActionCounts InputGradient { get; } = new();

    public ActionCounts WeightGradient { get; } = new();

    public ActionCounts Update { get; } = new();

    /// <summary>Bias adds (forward) and bias-gradient sums: counted, not priced.</summary>
    public ActionCounts Unpriced { get; } = new();

    /// <summary>Every priced task's counts together.</summary>
    public ActionCounts Priced
    {
        get
        {
            var all = new ActionCounts();
            foreach (ActionCounts c in new[] { Forward, Projection, Delta, InputGradient, WeightGradient, Update })
            {
                all.Add(c);
            }

            return all;
        }
    }

    /// <summary>
    /// Runs step <paramref name="step"/> of <paramref name="plan"/> at <paramref name="batch"/> samples with
    /// <paramref name="optimizer"/>'s update (SGD with momentum, or Adam; an HDFA DFA step also mixes the momenta).
    /// </summary>
    /// <param name="plan">The method on its network.</param>
    /// <param name="step">One of the plan's kinds of step.</param>
    /// <param name="batch">Samples.</param>
    /// <param name="optimizer">The update's optimizer.</param>
    /// <param name="projection">Builds the counting reference of a module's projection (called once per projecting module).</param>
    /// <param name="seed">Seeds the random tensors (the counts do not depend on it).</param>
    public static CountedStep Run(MethodPlan plan, StepPlan step, int batch, OptimizerKind optimizer, Func<ModulePlan, ICountingReference>? projection, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var counted = new CountedStep();
        var rng = new Rng(seed);
        NetworkSpec network = plan.Network;
        IReadOnlyList<BlockSpec> blocks = network.Blocks;

        // Forward: every block, keeping each layer's input for its gradients.
        var inputs = new Dictionary<string, Matrix>();
        Matrix x = Random(batch, network.Inputs, rng);
        foreach (BlockSpec block in blocks)
        {
            foreach (LayerSpec layer in block.Layers)
            {
                inputs[layer.Name] = x;
                x = counted.ForwardLayer(layer, x, rng);
            }
        }

        // Backward, module by module from the top, as the method plan lays it out.
        Matrix error = Random(batch, network.Outputs, rng);
        for (int m = step.Modules.Count - 1; m >= 0; m--)
        {
            ModulePlan module = step.Modules[m];
            Matrix[] signals = [];
            if (module.Shape is { } shape)
            {
                ICountingReference reference = (projection ?? throw new ArgumentNullException(nameof(projection)))(module);
                signals = [.. shape.LayerSizes.Select(n => new Matrix(batch, n))];
                var snapshot = new ActionCounts();
                snapshot.Add(reference.Counts);
                reference.Project(error, signals);
                foreach ((HardwareAction action, long count) in reference.Counts.NonZero())
                {
                    counted.Projection.Add(action, count - snapshot[action]);
                }
            }

            Matrix? below = null;
            int signal = 0;
            for (int i = module.Start; i <= module.Top; i++)
            {
                BlockSpec block = blocks[i];
                if (i < plan.Frozen)
                {
                    continue;
                }

                // A projected signal enters at the block's feedback point; an error from above at its output.
                bool projected = i != module.Top;
                Matrix gradient = projected ? signals[signal++] : error;
                bool sendsDown = i == module.Start && i > plan.Frozen;
                int from = projected ? block.SignalLayer : block.Layers.Count - 1;
                Matrix? down = counted.BackwardBlock(block, from, gradient, inputs, isOutput: i == blocks.Count - 1, sendsDown, rng);
                if (sendsDown)
                {
                    below = down;
                }
            }

            for (int i = Math.Max(module.Start, plan.Frozen); i <= module.Top; i++)
            {
                counted.UpdateBlock(blocks[i], optimizer, step.MixesMomenta, rng);
            }

            if (below is null)
            {
                break;
            }

            error = below;
        }

        return counted;
    }

    private static Matrix Random(int rows, int cols, Rng rng)
    {
        var m = new Matrix(rows, cols);
        for (int k = 0; k < m.Length; k++)
        {
            m.Data[k] = (float)rng.NextGaussian();
        }

        return m;
    }

    private (Matrix W, Matrix? B) Weights(LayerSpec layer, Rng rng)
    {
        if (!_weights.TryGetValue(layer.Name, out (Matrix W, Matrix? B) w))
        {
            w = layer.Kind == LayerKind.Linear
                ? (Random(layer.OutputSize, layer.InputSize, rng), Random(1, layer.OutputSize, rng))
                : (Random(layer.Conv!.OutChannels, layer.Conv.Input.Channels * layer.Conv.Kernel * layer.Conv.Kernel, rng), Random(1, layer.Conv.OutChannels, rng));
            _weights[layer.Name] = w;
        }

        return w;
    }

    private Matrix ForwardLayer(LayerSpec layer, Matrix x, Rng rng)
    {
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                {
                    (Matrix w, Matrix? b) = Weights(layer, rng);
                    return CountingKernels.LinearForward(x, w, b, Forward, Unpriced);
                }

            case LayerKind.Conv2d:
                {
                    (Matrix w, Matrix? b) = Weights(layer, rng);
                    return CountingKernels.ConvForward(x, layer.Conv!, w, b, Forward, Unpriced);
                }

            case LayerKind.MaxPool or LayerKind.AvgPool:
                return Pool(layer, x);

            default:
                return x; // element-wise: its own arithmetic is not priced
        }
    }

    /// <summary>The pooled map (max or mean of each window); its comparisons and adds are not priced.</summary>
    private static Matrix Pool(LayerSpec layer, Matrix x)
    {
        PoolShape p = layer.Pool!;
        Layers.ImageShape o = p.Output(layer.Kind == LayerKind.MaxPool ? "maxpool2d" : "avgpool2d");
        var y = new Matrix(x.Rows, o.Size);
        for (int r = 0; r < x.Rows; r++)
        {
            for (int c = 0; c < o.Channels; c++)
            {
                for (int oh = 0; oh < o.Height; oh++)
                {
                    for (int ow = 0; ow < o.Width; ow++)
                    {
                        float best = float.NegativeInfinity, sum = 0;
                        for (int kh = 0; kh < p.Window; kh++)
                        {
                            for (int kw = 0; kw < p.Window; kw++)
                            {
                                float v = x[r, (((c * p.Input.Height) + (oh * p.Stride) + kh) * p.Input.Width) + (ow * p.Stride) + kw];
                                best = MathF.Max(best, v);
                                sum += v;
                            }
                        }

                        y[r, (((c * o.Height) + oh) * o.Width) + ow] = layer.Kind == LayerKind.MaxPool ? best : sum / (p.Window * p.Window);
                    }
                }
            }
        }

        return y;
    }

    /// <summary>The gradient at a pooling layer's input: each window's gradient to its first element (a routing; not priced).</summary>
    private static Matrix Unpool(LayerSpec layer, Matrix g)
    {
        PoolShape p = layer.Pool!;
        Layers.ImageShape o = p.Output(layer.Kind == LayerKind.MaxPool ? "maxpool2d" : "avgpool2d");
        var d = new Matrix(g.Rows, p.Input.Size);
        for (int r = 0; r < g.Rows; r++)
        {
            for (int c = 0; c < o.Channels; c++)
            {
                for (int oh = 0; oh < o.Height; oh++)
                {
                    for (int ow = 0; ow < o.Width; ow++)
                    {
                        d[r, (((c * p.Input.Height) + (oh * p.Stride)) * p.Input.Width) + (ow * p.Stride)] += g[r, (((c * o.Height) + oh) * o.Width) + ow];
                    }
                }
            }
        }

        return d;
    }

    /// <summary>
    /// Back through one block from the gradient at the output of its layer <paramref name="from"/>: derivative
    /// multiplies at its activations, gradients of its layers with weights (the first one's input gradient only when
    /// <paramref name="sendsDown"/>).
    /// </summary>
    private Matrix? BackwardBlock(BlockSpec block, int from, Matrix gradient, Dictionary<string, Matrix> inputs, bool isOutput, bool sendsDown, Rng rng)
    {
        LayerSpec first = block.PricedLayers.First();
        Matrix g = gradient;
        for (int k = from; k >= 0; k--)
        {
            LayerSpec layer = block.Layers[k];
            bool isFirst = ReferenceEquals(layer, first);
            switch (layer.Kind)
            {
                case LayerKind.Activation when !isOutput:
                    g = CountingKernels.Derivative(g, Random(g.Rows, g.Cols, rng), Delta);
                    break;
                case LayerKind.MaxPool or LayerKind.AvgPool:
                    g = Unpool(layer, g);
                    break;
                case LayerKind.Linear or LayerKind.Conv2d:
                    {
                        (Matrix w, _) = Weights(layer, rng);
                        Matrix x = inputs[layer.Name];
                        bool conv = layer.Kind == LayerKind.Conv2d;
                        _ = conv
                            ? CountingKernels.ConvWeightGradient(g, x, layer.Conv!, WeightGradient)
                            : CountingKernels.LinearWeightGradient(g, x, WeightGradient);
                        _ = CountingKernels.BiasGradient(g, conv ? layer.Conv!.Output.Height * layer.Conv.Output.Width : 1, Unpriced);
                        if (isFirst && !sendsDown)
                        {
                            return null;
                        }

                        ActionCounts into = isFirst ? InputGradient : Delta;
                        g = conv ? CountingKernels.ConvInputGradient(g, w, layer.Conv!, into) : CountingKernels.LinearInputGradient(g, w, into);
                        if (isFirst)
                        {
                            return g;
                        }

                        break;
                    }

                default:
                    break; // normalisation and dropout: not priced
            }
        }

        return null;
    }

    private void UpdateBlock(BlockSpec block, OptimizerKind optimizer, bool mix, Rng rng)
    {
        foreach (LayerSpec layer in block.Layers.Where(l => l.HasWeights))
        {
            (Matrix w, Matrix? b) = Weights(layer, rng);
            foreach (Matrix p in b is null ? [w] : new[] { w, b })
            {
                Matrix g = Random(p.Rows, p.Cols, rng);
                var m = new float[p.Length];
                var v = new float[p.Length];
                if (optimizer == OptimizerKind.Adam)
                {
                    CountingKernels.Adam(p.Span, g.Span, m, v, CountingKernels.AdamConstants.At(1, 1e-3, 0.9, 0.999, 1e-8, 0), Update);
                }
                else
                {
                    CountingKernels.SgdMomentum(p.Span, g.Span, v, 1e-3f, 0.9f, Update);
                }

                if (mix)
                {
                    // HDFA's DFA step: u = γ·v_DFA + (1 − γ)·v_BP, two multiplies and an add per parameter.
                    for (int k = 0; k < p.Length; k++)
                    {
                        float a = 0.5f * m[k];
                        Update.Increment(HardwareAction.Fp32Multiply);
                        float c = 0.5f * v[k];
                        Update.Increment(HardwareAction.Fp32Multiply);
                        m[k] = a + c;
                        Update.Increment(HardwareAction.Fp32Add);
                    }
                }
            }
        }
    }
}
