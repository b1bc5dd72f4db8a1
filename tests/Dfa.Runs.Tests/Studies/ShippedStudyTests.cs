using Dfa.Backends.Registry;
using Dfa.Runs.Studies;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Runs.Tests.Studies;

/// <summary>
/// Every shipped study (<c>configs/studies/*.yaml</c>) reads and plans: its keys and values pass the config schema, the
/// method planner and the memory check, and every point is priced on its profiles, with nothing trained.
/// </summary>
public sealed class ShippedStudyTests
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    // file, points, distinct runs, invalid points
    [TestCase("optical-bit-depth.yaml", 5, 15, 0)]
    [TestCase("sparse-connections.yaml", 16, 30, 6)] // k > r is no valid B: (2,1), (4,1), (4,2), (10,1), (10,2), (10,5)
    [TestCase("backends-e10.yaml", 4, 12, 0)]
    [TestCase("crossbar-adc-noise.yaml", 16, 48, 0)]
    public void ShippedStudy_Plans_WithEveryPointPriced(string file, int points, int runs, int invalid)
    {
        StudyOptions options = StudyFile.Read(RepoPaths.Combine("configs", "studies", file));
        StudyRequest request = options.Request(["cpu-avx512-2core"], null, null, RepoPaths.Combine("hardware-profiles"), null) with { Quick = true };

        StudyPlan plan = StudyPlanner.Plan(request, Registry);

        Assert.That(plan.Grid.Points, Has.Count.EqualTo(points));
        Assert.That(plan.Grid.Runs, Has.Count.EqualTo(runs));
        Assert.That(plan.Grid.Points.Count(p => p.Invalid is not null), Is.EqualTo(invalid));
        Assert.That(plan.Grid.Seeds, Has.Count.EqualTo(3));
        Assert.That(plan.Grid.Points.Where(p => p.Invalid is null), Has.All.Matches<StudyPoint>(p => p.Costs.Count > 0 && p.Runs.Count == 3));
    }
}
