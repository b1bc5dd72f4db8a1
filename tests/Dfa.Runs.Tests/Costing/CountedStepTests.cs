using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Counting;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;
using HardwareAction = Dfa.Core.Feedback.HardwareAction;

namespace Dfa.Runs.Tests.Costing;

/// <summary>
/// The cost engine's arithmetic for a whole training step equals the work counted where it is done: every method's
/// step on an MLP and a CNN run through the counting reference kernels (<see cref="CountedStep"/>: forward, derivative
/// multiplies, input and weight gradients, the optimizer) and the dense backend's counting reference for every
/// projection, against <see cref="CostModel"/>'s multiply-accumulates, multiplies and adds for that step.
/// </summary>
public sealed class CountedStepTests
{
    private const int Batch = 3;

    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static TrainConfig Mlp(TrainingAlgorithmKind method) => new()
    {
        Algorithm = method,
        Model = new ModelConfig { Hidden = [17, 9, 6], Activation = ActivationKind.Tanh },
        Modular = new ModularConfig { Boundaries = method == TrainingAlgorithmKind.Modular ? ["hidden2"] : [] },
        Hdfa = new HdfaConfig { P = 0.3 },
    };

    private static TrainConfig Cnn(TrainingAlgorithmKind method) => new()
    {
        Algorithm = method,
        Model = new ModelConfig { Conv = [3, 4], InputShape = [1, 8, 8], ConvKernel = 3, ConvPadding = 1, Hidden = [7] },
        Modular = new ModularConfig { Boundaries = method == TrainingAlgorithmKind.Modular ? ["hidden1"] : [] },
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (OptimizerKind optimizer in new[] { OptimizerKind.Sgd, OptimizerKind.Adam })
        {
            foreach (TrainingAlgorithmKind m in new[] { TrainingAlgorithmKind.Bp, TrainingAlgorithmKind.Fa, TrainingAlgorithmKind.Dfa, TrainingAlgorithmKind.Modular, TrainingAlgorithmKind.Hdfa })
            {
                yield return new TestCaseData("mlp", Mlp(m), 30, 5, optimizer).SetArgDisplayNames("mlp", m.ToString(), optimizer.ToString());
            }

            foreach (TrainingAlgorithmKind m in new[] { TrainingAlgorithmKind.Bp, TrainingAlgorithmKind.Dfa, TrainingAlgorithmKind.Hybrid, TrainingAlgorithmKind.Modular, TrainingAlgorithmKind.Hdfa })
            {
                yield return new TestCaseData("cnn", Cnn(m), 64, 4, optimizer).SetArgDisplayNames("cnn", m.ToString(), optimizer.ToString());
            }

            yield return new TestCaseData("cnn", Cnn(TrainingAlgorithmKind.Dfa) with { Freeze = ["conv1"] }, 64, 4, optimizer).SetArgDisplayNames("cnn", "DFA frozen conv1", optimizer.ToString());
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void PricedArithmetic_EqualsTheCountedWorkOfTheStep(string network, TrainConfig config, int inputs, int classes, OptimizerKind optimizer)
    {
        var prices = new Prices(ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load("gpu-a100-80gb-sxm4"));
        MethodPlan plan = MethodPlan.For(config, NetworkSpec.From(config, inputs, classes, network));
        var dense = new FeedbackConfig { Backend = Registry.Default.Name };
        MethodCost cost = CostModel.Price(plan, Batch, shape => CostPlans.Plan(dense.Backend, shape, Batch, prices, Registry)!, prices, optimizer);
        Assert.That(cost.Steps, Has.Count.EqualTo(plan.Steps.Count));
        for (int k = 0; k < plan.Steps.Count; k++)
        {
            CountedStep counted = CountedStep.Run(plan, plan.Steps[k], Batch, optimizer, m => Registry.Default.CreateCountingReference(m.Shape!, dense, m.Seed));
            Core.Feedback.ActionCounts c = counted.Priced;
            IReadOnlyDictionary<string, double> priced = cost.Steps[k].Operations;
            string what = $"{network} {plan.Name} {plan.Steps[k].Label} ({optimizer})";
            Assert.Multiple(() =>
            {
                Assert.That(priced.GetValueOrDefault("fp32_mac"), Is.EqualTo(c[HardwareAction.Fp32MultiplyAdd]), $"{what}: multiply-accumulates");
                Assert.That(priced.GetValueOrDefault("fp32_mul"), Is.EqualTo(c[HardwareAction.Fp32Multiply]), $"{what}: multiplies");
                Assert.That(priced.GetValueOrDefault("fp32_add"), Is.EqualTo(c[HardwareAction.Fp32Add]), $"{what}: adds");
            });
            Assert.That(counted.Unpriced[HardwareAction.Fp32Add], Is.GreaterThan(0), "bias adds are counted, apart");
            TestContext.Out.WriteLine($"{what}: counted = priced: {c[HardwareAction.Fp32MultiplyAdd]} MACs, {c[HardwareAction.Fp32Multiply]} multiplies, {c[HardwareAction.Fp32Add]} adds; unpriced bias adds {counted.Unpriced[HardwareAction.Fp32Add]}");
        }
    }
}
