using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Tests;

/// <summary>
/// <c>configs/backends/*.yaml</c>: issue 3's MNIST acceptance runs. Each must be the engine's DFA config
/// (<c>configs/mnist-dfa-tanh.yaml</c>) with only the feedback section changed, and its backend must accept it.
/// </summary>
public sealed class ShippedBackendConfigTests
{
    private static readonly string[] Expected = ["binary", "crossbar", "crossbar-ideal", "dense", "optical", "sparse-k1", "spiking", "unified"];

    private static IEnumerable<string> Names() => Expected;

    [Test]
    public void TheFolderHoldsOneConfigPerBackend()
    {
        string[] names = [.. Directory.GetFiles(RepoPaths.Combine("configs", "backends"), "*.yaml").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!];
        Assert.That(names, Is.EqualTo(Expected));
    }

    [TestCaseSource(nameof(Names))]
    public void Config_IsTheEngineDfaRun_WithOnlyTheFeedbackChanged(string name)
    {
        TrainConfig engine = ConfigLoader.Load(RepoPaths.Combine("configs", "mnist-dfa-tanh.yaml"));
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", name + ".yaml"));

        Assert.That(config with { Feedback = engine.Feedback }, Is.EqualTo(engine with { Model = config.Model }));
        Assert.That(config.Model.Hidden, Is.EqualTo(engine.Model.Hidden));
        Assert.That(config.Feedback.Backend, Is.EqualTo(name.Split('-')[0]));

        var registry = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();
        IFeedbackProjector projector = registry.Get(config.Feedback.Backend).Create(new FeedbackShape(10, [800, 800]), config.Feedback, seed: 1, threads: 1);
        Assert.That(projector.Backend, Is.EqualTo(config.Feedback.Backend));
    }

    [Test]
    public void Crossbar_NamesItsPreset_AndTheIdealOneIsIdeal()
    {
        TrainConfig crossbar = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", "crossbar.yaml"));
        TrainConfig ideal = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", "crossbar-ideal.yaml"));
        Assert.That(crossbar.Feedback.Crossbar?.Preset, Is.EqualTo("pcm"));
        Assert.That(ideal.Feedback.Crossbar?.Preset, Is.EqualTo("ideal"));
    }

    [Test]
    public void SparseK1_IsSingleConnection()
    {
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", "sparse-k1.yaml"));
        Assert.That(config.Feedback.Sparse, Is.EqualTo(new SparseFeedbackConfig { Connections = 1 }));
    }
}
