using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Runs.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Runs.Tests.Experiments;

/// <summary>The shipped catalog: every member of every experiment builds a valid config in both modes, and says what it varies.</summary>
public sealed class ExperimentCatalogTests
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static IEnumerable<string> Names() => ExperimentCatalog.Names;

    [TestCaseSource(nameof(Names))]
    public void EveryMember_ParsesOnTheShippedBase_InBothModes(string name)
    {
        Experiment e = ExperimentCatalog.Find(name)!;
        foreach (bool quick in new[] { true, false })
        {
            PlannedExperiment plan = ExperimentRunner.Plan(e, quick, ExperimentRunner.ShippedBaseConfig(), ExperimentCatalog.BaseConfig, [], Registry.Schema);

            Assert.That(plan.Specs, Has.Count.EqualTo(e.Members.Count));
            Assert.That(plan.Specs.Select(s => s.Config.Epochs), Is.All.EqualTo(e.Mode(quick).Epochs));
            Assert.That(plan.Specs.Select(s => s.Config.Data.TrainSamples), Is.All.EqualTo(e.Mode(quick).TrainSamples));
        }
    }

    [TestCaseSource(nameof(Names))]
    public void Members_HaveUniqueLabels_AndQuickIsSmallerThanFull(string name)
    {
        Experiment e = ExperimentCatalog.Find(name)!;

        Assert.That(e.Members.Select(m => m.Label), Is.Unique);
        Assert.That(e.Members, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(e.Quick.TrainSamples, Is.Not.Null.And.LessThanOrEqualTo(10_000));
        Assert.That(e.Quick.Epochs, Is.LessThanOrEqualTo(e.Full.Epochs));
        Assert.That(e.Criteria, Is.Not.Empty);
        Assert.That(e.Section, Does.StartWith("3.2."));
    }

    [TestCaseSource(nameof(Names))]
    public void Judge_AcceptsTheMembersOwnLabels(string name)
    {
        Experiment e = ExperimentCatalog.Find(name)!;
        MemberResult[] members = e.Members.Select((m, i) => Outcomes.Curve(m.Label, 1.0, 0.5 / (i + 1))).ToArray();

        Verdict v = e.Judge(members);

        Assert.That(v.Line, Does.StartWith($"{e.Name}: {v.StatusText} — "));
    }

    [Test]
    public void MemberOverrides_WinOverCommandLineSet_WhichWinsOverTheMode()
    {
        Experiment e = ExperimentCatalog.Find("sgd-vs-adam")!;

        PlannedExperiment plan = ExperimentRunner.Plan(e, quick: true, ExperimentRunner.ShippedBaseConfig(), ExperimentCatalog.BaseConfig, ["lr=0.123", "epochs=2"], Registry.Schema);

        TrainConfig bpSgd = plan.Specs.Single(s => s.Label == "bp-sgd-small").Config;
        TrainConfig adam = plan.Specs.Single(s => s.Label == "dfa-adam").Config;
        Assert.That(bpSgd.LearningRate, Is.EqualTo(0.01), "the member's varied rate stays varied");
        Assert.That(adam.LearningRate, Is.EqualTo(0.123), "--set beats the mode's rate");
        Assert.That(adam.Epochs, Is.EqualTo(2));
        Assert.That(bpSgd.Algorithm, Is.EqualTo(TrainingAlgorithmKind.Bp));
        Assert.That(bpSgd.Optimizer, Is.EqualTo(OptimizerKind.Sgd));
    }

    [Test]
    public void ShippedBase_IsTheRepositoryFile()
    {
        string onDisk = File.ReadAllText(Dfa.Testing.RepoPaths.Combine(ExperimentCatalog.BaseConfig));

        Assert.That(ExperimentRunner.ShippedBaseConfig(), Is.EqualTo(onDisk));
    }

    [Test]
    public void Resolve_UnknownName_ListsTheValidOnes()
    {
        var ex = Assert.Throws<Dfa.Core.DfaInputException>(() => ExperimentRunner.Resolve("nope"));

        Assert.That(ex!.Message, Does.Contain("high-lr, sgd-vs-adam, dropout, normalization, regularization, activations, all"));
        Assert.That(ExperimentRunner.Resolve("all"), Has.Count.EqualTo(6));
    }
}
