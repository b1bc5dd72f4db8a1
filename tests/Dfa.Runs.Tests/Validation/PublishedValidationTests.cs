using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Runs.Validation;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Runs.Tests.Validation;

/// <summary>
/// The shipped profiles against the published figures they list (issue 19): a model change that moves a held-out
/// prediction past its bound, or that stops a calibrated field from reproducing its figure, fails here.
/// </summary>
public sealed class PublishedValidationTests
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static readonly ProfileCatalog Catalog = ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles"));

    private static IEnumerable<string> ProfilesWithFigures() =>
        Catalog.Names.Where(n => Catalog.Load(n).Validation.Count > 0);

    [TestCaseSource(nameof(ProfilesWithFigures))]
    public void HeldOutEntries_StayWithinTheirBounds(string name)
    {
        IReadOnlyList<PublishedComparison> rows = PublishedValidation.Run(Catalog.Load(name), Registry);

        Assert.That(rows.Count(r => r.Entry.IsCalibration), Is.LessThanOrEqualTo(1), "calibrated on at most one figure");
        foreach (PublishedComparison r in rows.Where(r => !r.Entry.IsCalibration))
        {
            Assert.That(r.Predicted, Is.Positive.And.Not.EqualTo(double.PositiveInfinity), r.Entry.Name);
            if (r.Entry.Bound is { } bound)
            {
                Assert.That(Math.Abs(r.Error), Is.LessThanOrEqualTo(bound), $"{name}/{r.Entry.Name}: {r.Error:P1} against ±{bound:P0}");
            }
        }
    }

    [TestCaseSource(nameof(ProfilesWithFigures))]
    public void TheCalibrationEntry_IsReproducedByTheStoredValue(string name)
    {
        foreach (PublishedComparison r in PublishedValidation.Run(Catalog.Load(name), Registry).Where(r => r.Entry.IsCalibration))
        {
            Assert.That(r.Calibration!.Problem, Is.Null);
            // Profiles store the solved value to four significant digits.
            Assert.That(r.StoredValue, Is.EqualTo(r.Calibration.Value!.Value).Within(0.05).Percent);
            Assert.That(Math.Abs(r.Error), Is.LessThan(0.001), $"{name}/{r.Entry.Name} is reproduced by the stored {r.Entry.Calibrates}");
        }
    }

    /// <summary>The issue's target for every held-out GPU throughput: predicted within 25 % of published.</summary>
    private const double GpuThroughputTarget = 0.25;

    /// <summary>
    /// Held-out GPU throughputs the model misses the 25 % target on today, named here so that the target is never
    /// loosened by a profile's <c>bound</c> alone: each must still miss it (a model change that brings one within
    /// 25 % fails here, so it leaves this list) and stay within its own wider bound. Why each misses: its
    /// <c>note</c> in the profile.
    /// </summary>
    private static readonly (string Profile, string Entry)[] KnownGpuMisses =
    [
        ("gpu-a100-80gb-sxm4", "resnet50-tf32"),
        ("gpu-a100-80gb-sxm4", "bert-large-pretrain-tf32"),
        ("gpu-a100-80gb-sxm4", "bert-large-pretrain-amp"),
    ];

    [Test]
    public void HeldOutGpuThroughputs_AreWithin25Percent_ButTheNamedKnownMisses()
    {
        int held = 0;
        foreach (string name in Catalog.Names.Where(n => n.StartsWith("gpu-", StringComparison.Ordinal)))
        {
            foreach (PublishedComparison r in PublishedValidation.Run(Catalog.Load(name), Registry)
                .Where(r => !r.Entry.IsCalibration && r.Entry.Quantity is ValidationQuantity.SamplesPerS or ValidationQuantity.InferencesPerS))
            {
                held++;
                bool knownMiss = KnownGpuMisses.Contains((name, r.Entry.Name));
                Assert.That(
                    Math.Abs(r.Error),
                    knownMiss ? Is.GreaterThan(GpuThroughputTarget) : Is.LessThanOrEqualTo(GpuThroughputTarget),
                    $"{name}/{r.Entry.Name}: {r.Error:P1}{(knownMiss ? " is listed as a known miss but is now within 25 %: take it off the list and tighten its bound" : "")}");
                if (!knownMiss)
                {
                    Assert.That(r.Entry.Bound, Is.LessThanOrEqualTo(GpuThroughputTarget), $"{name}/{r.Entry.Name}: a bound wider than the target hides a miss");
                }
            }
        }

        Assert.That(held, Is.GreaterThanOrEqualTo(KnownGpuMisses.Length + 5));
    }

    [Test]
    public void EveryGpuProfile_HasATensorRate_AndItsHeldOutThroughputsHaveABound()
    {
        foreach (string name in new[] { "gpu-a100-80gb-sxm4", "gpu-v100-sxm2-16gb" })
        {
            HardwareProfile p = Catalog.Load(name);
            Assert.That(p.Validation.Count(v => v.Quantity is ValidationQuantity.SamplesPerS or ValidationQuantity.InferencesPerS), Is.GreaterThanOrEqualTo(3), name);
            Assert.That(p.Validation.Where(v => !v.IsCalibration).Select(v => v.Bound), Has.All.Not.Null, name);
        }
    }

    [Test]
    public void Calibrate_MovesTheFieldUntilThePredictionIsThePublishedFigure()
    {
        HardwareProfile p = Catalog.Load("gpu-v100-sxm2-16gb");
        ValidationEntry entry = p.Validation.Single(v => v.IsCalibration);
        var prices = new Prices(p).With(entry.Calibrates!, 0.9);

        Dfa.Runs.Validation.Calibration c = PublishedValidation.Calibrate(entry, prices, Registry, entry.Calibrates!);
        double again = PublishedValidation.Predict(entry, prices.With(entry.Calibrates!, c.Value!.Value), Registry);

        Assert.That(c.Value, Is.InRange(0.0, 1.0));
        Assert.That(again, Is.EqualTo(entry.Value).Within(1e-6).Percent);
    }

    [Test]
    public void WriteJson_HasOneObjectPerEntry_WithPublishedPredictedAndRole()
    {
        string dir = Directory.CreateTempSubdirectory("dfa-validate-").FullName;
        try
        {
            IReadOnlyList<PublishedComparison> rows = PublishedValidation.Run(Catalog.Load("gpu-a100-80gb-sxm4"), Registry);
            string path = Path.Combine(dir, "sub", "v.json");
            PublishedValidation.WriteJson(path, rows);

            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement[] entries = [.. doc.RootElement.GetProperty("entries").EnumerateArray()];
            Assert.That(entries, Has.Length.EqualTo(rows.Count));
            Assert.That(entries[0].GetProperty("role").GetString(), Is.EqualTo("calibration"));
            Assert.That(entries[1].GetProperty("role").GetString(), Is.EqualTo("held out"));
            Assert.That(entries[1].GetProperty("published").GetDouble(), Is.EqualTo(rows[1].Entry.Value));
            Assert.That(entries[1].GetProperty("predicted").GetDouble(), Is.EqualTo(rows[1].Predicted));
            Assert.Throws<DfaInputException>(() => PublishedValidation.WriteJson(dir, rows));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
