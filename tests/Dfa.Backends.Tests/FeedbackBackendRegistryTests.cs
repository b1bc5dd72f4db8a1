using Dfa.Backends.Dense;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Tests;

public sealed class FeedbackBackendRegistryTests
{
    [Test]
    public void AddFeedbackBackends_RegistersTheBuiltInBackends()
    {
        using ServiceProvider services = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider();
        var registry = services.GetRequiredService<FeedbackBackendRegistry>();

        Assert.That(registry.Names, Is.EqualTo(new[] { "binary", "crossbar", "dense", "optical", "sparse", "spiking", "unified" }));
        Assert.That(registry.Get("DENSE").Name, Is.EqualTo("dense"));
    }

    [Test]
    public void Get_UnknownName_ListsTheValidOnes()
    {
        using ServiceProvider services = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider();
        var registry = services.GetRequiredService<FeedbackBackendRegistry>();

        Assert.That(() => registry.Get("optica"), Throws.InstanceOf<DfaInputException>()
            .With.Message.Contains("unknown feedback backend 'optica'").And.Message.Contains("dense"));
    }

    [Test]
    public void AddFeedbackBackend_AddsAUsersOwnBackend()
    {
        using ServiceProvider services = new ServiceCollection()
            .AddFeedbackBackends()
            .AddFeedbackBackend<EchoBackend>()
            .BuildServiceProvider();
        var registry = services.GetRequiredService<FeedbackBackendRegistry>();

        Assert.That(registry.Get("echo"), Is.InstanceOf<EchoBackend>());
    }

    [TestCase("bp")]
    [TestCase("ALL")]
    [TestCase("none")]
    [TestCase("seed")]
    [TestCase("echo-fp16")]
    [TestCase("two words")]
    public void Registry_RefusesANameTheCommandsOrKeysAlreadyMean(string name)
    {
        Assert.That(
            () => new FeedbackBackendRegistry([new DenseBackend(), new EchoBackend(name)]),
            Throws.InvalidOperationException.With.Message.Contains($"cannot be named '{name}'"));
    }

    private sealed class EchoBackend(string name = "echo") : IFeedbackBackend
    {
        public string Name => name;

        public string Description => "test backend";

        public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads) =>
            throw new NotSupportedException();

        public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch) =>
            throw new NotSupportedException();
    }
}
