using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;

namespace Dfa.Runs.Costing;

/// <summary>One config priced on one profile at one batch size.</summary>
/// <param name="Label">The config file (or run folder) the price belongs to.</param>
/// <param name="Cost">The method's step, its schedule and expected numbers.</param>
/// <param name="Method">The method priced (for HDFA's <c>p</c> and MODULAR's boundaries in the tables).</param>
public sealed record PricedConfig(string Label, MethodCost Cost, MethodPlan? Method = null);

/// <summary>
/// Prices the network and method a config trains with the one cost engine (<see cref="CostModel"/>): its own network
/// (<see cref="NetworkSpec.From"/>, the spec training allocates), its method as training plans it
/// (<see cref="MethodPlan.For"/>: modules, frozen blocks, HDFA's steps), and for methods that project an error its
/// feedback backend at its own options (<see cref="CostPlans.Plan"/>).
/// </summary>
public static class ConfigCosts
{
    /// <summary>
    /// Features and classes of the config's data without loading it: the product of <c>model.input_shape</c> when
    /// given, else 784 for MNIST or <c>data.synthetic.inputs</c>; 10 classes for MNIST, else <c>data.synthetic.classes</c>.
    /// </summary>
    public static (int Inputs, int Classes) Shape(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        bool mnist = config.Data.Dataset == DatasetKind.Mnist;
        int inputs = config.Model.InputShape.Count == 3
            ? checked(config.Model.InputShape[0] * config.Model.InputShape[1] * config.Model.InputShape[2])
            : mnist ? 28 * 28 : config.Data.Synthetic.Inputs;
        return (inputs, mnist ? 10 : config.Data.Synthetic.Classes);
    }

    /// <summary>The method <paramref name="config"/> trains, planned on its own network.</summary>
    /// <exception cref="DfaInputException">The network or the method's settings are invalid (one line naming the key).</exception>
    public static MethodPlan Plan(TrainConfig config, string name = "config", (int Inputs, int Classes)? shape = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        (int inputs, int classes) = shape ?? Shape(config);
        return MethodPlan.For(config, NetworkSpec.From(config, inputs, classes, name));
    }

    /// <summary>Whether <paramref name="prices"/> can run the config's method (an optical backend needs an optical profile).</summary>
    public static bool Runs(TrainConfig config, Prices prices, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        return !Training.TrainingSetup.UsesFeedbackBackend(config) || CostPlans.Runs(registry.Get(config.Feedback.Backend).Name, prices, registry);
    }

    /// <summary>The config's step at <paramref name="batch"/> on <paramref name="prices"/>.</summary>
    /// <param name="config">The training config.</param>
    /// <param name="name">The workload's name in reports (the config file's name).</param>
    /// <param name="batch">Samples per step.</param>
    /// <param name="prices">The profile.</param>
    /// <param name="registry">The feedback backends.</param>
    /// <param name="shape">Features and classes; null derives them from the config (<see cref="Shape"/>).</param>
    /// <exception cref="DfaInputException">The network, method or backend cannot be priced (one line naming the key).</exception>
    public static MethodCost Price(TrainConfig config, string name, int batch, Prices prices, FeedbackBackendRegistry registry, (int Inputs, int Classes)? shape = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        MethodPlan plan = Plan(config, name, shape);
        string backend = registry.Get(config.Feedback.Backend).Name;
        return CostModel.Price(
            plan, batch, plan.UsesFeedbackBackend ? s => CostPlans.Plan(backend, s, batch, prices, registry, config.Feedback)! : null, prices, config.Optimizer);
    }

    /// <summary>The parameter count of the config's network on its own <see cref="Shape"/>.</summary>
    public static long Parameters(TrainConfig config)
    {
        (int inputs, int classes) = Shape(config);
        return NetworkSpec.From(config, inputs, classes).Parameters;
    }
}
