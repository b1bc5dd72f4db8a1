using Dfa.Backends.Crossbar;
using Dfa.Backends.Registry;
using Dfa.Backends.Sparse;
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
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

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
        TrainConfig engine = ConfigLoader.Load(RepoPaths.Combine("configs", "mnist-dfa-tanh.yaml"), null, Registry.Schema);
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", name + ".yaml"), null, Registry.Schema);

        Assert.That(config with { Feedback = engine.Feedback }, Is.EqualTo(engine with { Model = config.Model }));
        Assert.That(config.Model.Hidden, Is.EqualTo(engine.Model.Hidden));
        Assert.That(config.Feedback.Backend, Is.EqualTo(name.Split('-')[0]));

        IFeedbackProjector projector = Registry.Get(config.Feedback.Backend).Create(new FeedbackShape(10, [800, 800]), config.Feedback, seed: 1, threads: 1);
        Assert.That(projector.Backend, Is.EqualTo(config.Feedback.Backend));
    }

    [Test]
    public void Crossbar_NamesItsPreset_AndTheIdealOneIsIdeal()
    {
        TrainConfig crossbar = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", "crossbar.yaml"), null, Registry.Schema);
        TrainConfig ideal = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", "crossbar-ideal.yaml"), null, Registry.Schema);
        Assert.That(crossbar.Feedback.Options<CrossbarSettings>()?.Preset, Is.EqualTo(CrossbarDevice.Pcm));
        Assert.That(ideal.Feedback.Options<CrossbarSettings>()?.Preset, Is.EqualTo(CrossbarDevice.Ideal));
    }

    [Test]
    public void SparseK1_IsSingleConnection()
    {
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "backends", "sparse-k1.yaml"), null, Registry.Schema);
        Assert.That(config.Feedback.Options<SparseOptions>(), Is.EqualTo(new SparseOptions { Connections = 1 }));
    }
}
