using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Runs.Training;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Runs.Tests.Costing;

/// <summary>
/// Issue 4's consistency check: for every backend, the work the simulator prices for a small MLP is the work the real
/// projector counted while training that MLP, step for step.
/// </summary>
public sealed class PricedEqualsCountedTests
{
    private const int Inputs = 20, Classes = 5, Batch = 8, Steps = 3;
    private static readonly int[] Hidden = [16, 12];

    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static IEnumerable<string> Backends() => Registry.Names;

    [TestCaseSource(nameof(Backends))]
    public void PricedFeedbackWork_IsTheCountedWorkOfRealTrainingSteps(string backend)
    {
        // A digital backend on the A100; any other on the first shipped profile of its device's kind.
        ProfileCatalog catalog = ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles"));
        FeedbackDevice device = Registry.Get(backend).Device;
        var prices = device == FeedbackDevice.Digital
            ? new Prices(catalog.Load("gpu-a100-80gb-sxm4"))
            : catalog.Names.Select(n => new Prices(catalog.Load(n))).First(p => p.Runs(device));
        NetworkSpec workload = WorkloadCatalog.Mlp([Inputs, .. Hidden], Classes);
        FeedbackPlan plan = CostPlans.Plan(backend, workload.FeedbackShape, Batch, prices, Registry)!;

        // Train the same network with the backend the plan was predicted for (the optical one with the profile's device).
        var config = new TrainConfig
        {
            Algorithm = TrainingAlgorithmKind.Dfa,
            BatchSize = Batch,
            Threads = 1,
            Seed = 3,
            Model = new ModelConfig { Hidden = Hidden, Activation = ActivationKind.Tanh },
            Feedback = Registry.Get(backend).OnDevice(new FeedbackConfig { Backend = backend }, prices),
        };
        TrainingSetup setup = TrainingSetup.Build(config, Inputs, Classes, Registry);
        Assert.That(setup.Network.ParameterCount, Is.EqualTo(workload.Parameters), "the workload is the trained network");
        IFeedbackProjector projector = setup.Projector!;
        var before = new ActionCounts();
        before.Add(projector.Counts);
        Dataset data = TestData.Blobs(Batch * Steps, Inputs, Classes, seed: 5);
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        for (int s = 0; s < Steps; s++)
        {
            setup.Trainer.Step(data, order.AsSpan(s * Batch, Batch));
        }

        Assert.That(before.ContentEquals(plan.Prediction.Setup), $"{backend}: setup work");
        var expected = new ActionCounts();
        expected.Add(before);
        for (int s = 0; s < Steps; s++)
        {
            expected.Add(plan.Prediction.PerProjection);
        }

        Assert.That(projector.Counts.ContentEquals(expected), $"{backend}: counted {projector.Counts}; priced {expected}");
        Assert.That(projector.Storage, Is.EqualTo(plan.Prediction.Storage));

        // And the priced step carries exactly those counts, next to the layer arithmetic of the workload.
        MethodCost row = CostPlans.Price(backend, workload, Batch, prices, Registry);
        ActionCounts c = plan.Prediction.PerProjection;
        double b = Batch, h = Hidden.Sum();
        double macs = (b * workload.ForwardMacs) + c[HardwareAction.Fp32MultiplyAdd] + (b * workload.WeightGradientMacs) + (2.0 * workload.Parameters);
        Assert.Multiple(() =>
        {
            Assert.That(row.Operations["fp32_mac"], Is.EqualTo(macs), backend);
            Assert.That(row.Operations["fp32_mul"], Is.EqualTo(c[HardwareAction.Fp32Multiply] + (b * h)), backend);
            Assert.That(row.Operations["elementwise"], Is.EqualTo(b * h), $"{backend}: the tanh of every hidden unit");
            Assert.That(row.Operations.GetValueOrDefault("fp32_add"), Is.EqualTo((double)c[HardwareAction.Fp32Add]), backend);
            Assert.That(row.Operations.GetValueOrDefault("index_read"), Is.EqualTo((double)c[HardwareAction.IndexReads]), backend);
            Assert.That(row.Operations.GetValueOrDefault("popcount64"), Is.EqualTo((double)c[HardwareAction.Popcount64]), backend);
            Assert.That(row.Operations.GetValueOrDefault("optical_frames"), Is.EqualTo((double)c[HardwareAction.OpticalFrames]), backend);
            Assert.That(row.Operations.GetValueOrDefault("array_activation"), Is.EqualTo((double)c[HardwareAction.ArrayActivations]), backend);
            Assert.That(row.Operations.GetValueOrDefault("cell_read"), Is.EqualTo((double)c[HardwareAction.AnalogCellReads]), backend);
            Assert.That(row.Operations.GetValueOrDefault("dac_conversion"), Is.EqualTo((double)c[HardwareAction.DacConversions]), backend);
            Assert.That(row.Operations.GetValueOrDefault("adc_conversion"), Is.EqualTo((double)c[HardwareAction.AdcConversions]), backend);
            Assert.That(row.Operations.GetValueOrDefault("synaptic_op"), Is.EqualTo((double)c[HardwareAction.SynapticOps]), backend);
            Assert.That(row.Operations.GetValueOrDefault("spike"), Is.EqualTo((double)c[HardwareAction.SpikesSent]), backend);
            Assert.That(row.Operations.GetValueOrDefault("core_message"), Is.EqualTo((double)c[HardwareAction.CoreMessages]), backend);
            Assert.That(row.Operations.GetValueOrDefault("time_step"), Is.EqualTo((double)c[HardwareAction.SpikeTimeSteps]), backend);
            Assert.That(row.FeedbackStorageBytes, Is.EqualTo(projector.Storage.MatrixBytes), backend);
        });
    }
}
