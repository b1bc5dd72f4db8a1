using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// DFA inside modules, BP between them (Han, Park, Lee &amp; Yoo, "Extension of Direct Feedback Alignment to
/// Convolutional and Recurrent Neural Network for Bio-plausible Deep Learning", arXiv 2006.12830, 2020; the survey's
/// Figure 8). The trained blocks are split into modules of consecutive blocks. Working down from the output:
/// <list type="number">
/// <item>a module's error <c>e_m</c> is dLoss/dlogits for the top module, and for a lower module the gradient at its
/// output, which BP carries down through the lowest block of the module above;</item>
/// <item>the module's top block takes <c>e_m</c> as its output gradient, exactly as DFA's output block takes
/// <c>e</c>;</item>
/// <item>every other block <c>l</c> of the module gets <c>B_l·e_m</c> from the module's projector (one call, all of
/// the module's blocks at once) and back-propagates it through its own layers;</item>
/// <item>the module's lowest block also returns its input gradient: the next module's error.</item>
/// </list>
/// One module holding every block is DFA; every block in a module of its own is BP. Han &amp; Yoo's (2019) hybrid is
/// each convolutional block alone plus one module of the fully connected blocks.
/// </summary>
/// <remarks>
/// <para>
/// A warm-up may hold the blocks below <see cref="WarmupFrom"/> still for the first <see cref="WarmupSteps"/> calls:
/// nothing is sent below that block (Han &amp; Yoo train the first fully connected layer before BP reaches the
/// convolutional layers, so the error those layers see has settled). The caller's optimizer must leave those
/// blocks' parameters alone meanwhile (<see cref="LastStep"/> is <see cref="StepKind.Warmup"/>, which the trainer hands to it).
/// </para>
/// <para>
/// A lower module's error has the width of its output (a convolutional block's pooled map, 3 136 values for the MNIST
/// CNN's second block), so its projector maps that many error components; the top module's maps the classes.
/// </para>
/// </remarks>
public sealed class ModularDfa : ITrainingAlgorithm, IResumable
{
    private readonly Network _network;
    private readonly Module[] _modules;
    private long _calls;

    /// <param name="network">The network this instance trains; <see cref="ComputeGradients"/> accepts no other.</param>
    /// <param name="moduleStarts">
    /// Index of each module's first block, ascending; the first must be the first trained block
    /// (<see cref="Network.FrozenBlocks"/>).
    /// </param>
    /// <param name="projectorFor">
    /// Builds module <c>m</c>'s projector for the shape it is given (module index, 0 = lowest); called once per module
    /// of at least two blocks.
    /// </param>
    /// <param name="warmupSteps">Calls during which blocks below <paramref name="warmupFrom"/> are held still.</param>
    /// <param name="warmupFrom">First block that trains during the warm-up; ignored when <paramref name="warmupSteps"/> is 0.</param>
    /// <param name="name">The name summaries show: <c>MODULAR</c>, or <c>HYBRID</c> for Han &amp; Yoo's arrangement.</param>
    /// <exception cref="ArgumentException">The module starts are not ascending, out of range or do not begin at the first trained block; a projector has the wrong shape.</exception>
    public ModularDfa(
        Network network,
        IReadOnlyList<int> moduleStarts,
        Func<int, FeedbackShape, IFeedbackProjector> projectorFor,
        long warmupSteps = 0,
        int warmupFrom = 0,
        string name = "MODULAR")
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(moduleStarts);
        ArgumentNullException.ThrowIfNull(projectorFor);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        if (moduleStarts.Count == 0 || moduleStarts[0] != network.FrozenBlocks)
        {
            throw new ArgumentException($"The first module must start at the first trained block, {network.FrozenBlocks}.", nameof(moduleStarts));
        }

        for (int m = 1; m < moduleStarts.Count; m++)
        {
            if (moduleStarts[m] <= moduleStarts[m - 1] || moduleStarts[m] >= blocks.Count)
            {
                throw new ArgumentException($"Module starts must ascend within the {blocks.Count} blocks, got [{string.Join(", ", moduleStarts)}].", nameof(moduleStarts));
            }
        }

        if (warmupSteps > 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(warmupFrom, network.FrozenBlocks);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(warmupFrom, blocks.Count);
        }

        _network = network;
        _modules = new Module[moduleStarts.Count];
        for (int m = 0; m < moduleStarts.Count; m++)
        {
            int start = moduleStarts[m];
            int top = (m + 1 < moduleStarts.Count ? moduleStarts[m + 1] : blocks.Count) - 1;
            IFeedbackProjector? projector = null;
            if (top > start)
            {
                var shape = new FeedbackShape(blocks[top].OutputSize, Enumerable.Range(start, top - start).Select(i => blocks[i].OutputSize).ToArray());
                projector = projectorFor(m, shape) ?? throw new ArgumentException($"No projector for module {m}.", nameof(projectorFor));
                if (!projector.Shape.Equals(shape))
                {
                    throw new ArgumentException($"Module {m}'s projector maps {projector.Shape}, the module needs {shape}.", nameof(projectorFor));
                }
            }

            _modules[m] = new Module(start, top, projector, new Matrix?[top - start]);
        }

        WarmupSteps = warmupSteps;
        Name = name;
        WarmupFrom = warmupSteps > 0 ? warmupFrom : network.FrozenBlocks;
    }

    public string Name { get; }

    /// <summary>Calls during which only the blocks from <see cref="WarmupFrom"/> up train.</summary>
    public long WarmupSteps { get; }

    /// <summary>The first block that trains during the warm-up.</summary>
    public int WarmupFrom { get; }

    /// <summary>True while the next <see cref="ComputeGradients"/> call is inside the warm-up.</summary>
    public bool InWarmup => _calls < WarmupSteps;

    /// <summary>Whether the last <see cref="ComputeGradients"/> call was inside the warm-up (its gradients skip the held blocks).</summary>
    public bool LastStepInWarmup { get; private set; }

    /// <summary><see cref="StepKind.Warmup"/> while the last step held the lower blocks still, else <see cref="StepKind.Standard"/>.</summary>
    public StepKind LastStep => LastStepInWarmup ? StepKind.Warmup : StepKind.Standard;

    /// <summary>Steps taken so far (calls of <see cref="ComputeGradients"/>); checkpoints restore it.</summary>
    public long Calls
    {
        get => _calls;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _calls = value;
        }
    }

    /// <summary>The modules, lowest first: first and top block index and projector (null for a module of one block).</summary>
    public IReadOnlyList<(int Start, int Top, IFeedbackProjector? Projector)> Modules =>
        _modules.Select(m => (m.Start, m.Top, m.Projector)).ToArray();

    /// <summary>Saves the call count (the warm-up's clock), the last call's warm-up flag and each module projector's state.</summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetLong(prefix + "calls", _calls);
        state.SetBool(prefix + "last_in_warmup", LastStepInWarmup);
        for (int m = 0; m < _modules.Length; m++)
        {
            if (_modules[m].Projector is { } projector)
            {
                state.SetProjector($"{prefix}module{m}/", projector);
            }
        }
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        long calls = state.Long(prefix + "calls");
        if (calls < 0)
        {
            throw new DfaInputException($"{state.DisplayName}: record '{prefix}calls' is negative ({calls})");
        }

        for (int m = 0; m < _modules.Length; m++)
        {
            if (_modules[m].Projector is { } projector)
            {
                state.RestoreProjector($"{prefix}module{m}/", projector);
            }
        }

        _calls = calls;
        LastStepInWarmup = state.Bool(prefix + "last_in_warmup");
    }

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!ReferenceEquals(network, _network))
        {
            throw new ArgumentException("This ModularDfa was built for another network; its modules belong to that one.", nameof(network));
        }

        LastStepInWarmup = InWarmup;
        int lowest = LastStepInWarmup ? WarmupFrom : network.FrozenBlocks;
        _calls++;
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        Matrix error = outputGradient;
        for (int m = _modules.Length - 1; m >= 0; m--)
        {
            Module module = _modules[m];
            if (module.Top < lowest)
            {
                break;
            }

            int start = Math.Max(module.Start, lowest);
            if (module.Projector is { } projector)
            {
                for (int l = 0; l < module.Signals.Length; l++)
                {
                    Matrix.Ensure(ref module.Signals[l], error.Rows, blocks[module.Start + l].OutputSize);
                }

                projector.Project(error, module.Signals!);
            }

            // The top block takes the module's error itself. Only the module's lowest block passes an error down, and
            // only when a block below it trains this step.
            Matrix? below = blocks[module.Top].Backward(error, needInputGradient: module.Top == start && start > lowest);
            for (int i = module.Top - 1; i >= start; i--)
            {
                Matrix? g = blocks[i].Backward(module.Signals[i - module.Start]!, needInputGradient: i == start && start > lowest);
                if (i == start)
                {
                    below = g;
                }
            }

            if (below is null)
            {
                break;
            }

            error = below;
        }
    }

    private sealed record Module(int Start, int Top, IFeedbackProjector? Projector, Matrix?[] Signals);
}
