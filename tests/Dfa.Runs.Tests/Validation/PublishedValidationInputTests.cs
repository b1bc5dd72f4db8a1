using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Runs.Validation;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Runs.Tests.Validation;

/// <summary>
/// Bad validation entries and names (issue 19's review): each refused with one message that names the entry's
/// <c>file:line:column</c> once, never an internal error, and a calibration that cannot be solved is an error.
/// </summary>
public sealed class PublishedValidationInputTests
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    // The validation entry's mapping starts at line 22, column 5.
    private const string Profile = """
        version: 1
        name: test
        kind: digital
        description: a test profile
        clock_hz: {value: 1e9, source: s}
        cores: {value: 2, source: s}
        compute:
          fp32_flops_per_s: {value: 1e12, source: s}
          gemm_efficiency: {value: 0.7, source: s}
          gemv_efficiency: {value: 0.1, source: s}
        memory:
          - name: dram
            off_chip: true
            capacity_bytes: {value: 1e9, source: s}
            bandwidth_bytes_per_s: {value: 1e10, source: s}
            energy_j_per_byte: {value: 8e-11, source: s}
        energy:
          fp32_mac_j: {value: 4.6e-12, source: s}
          fp32_add_j: {value: 0.9e-12, source: s}
          static_w: {value: 1, source: s}
        validation:

        """;

    private const string Projection = """
          - name: proj
            quantity: projection_ops_per_s
            value: 1e12
            error_size: 1000
            layer_size: 1000
            backend: BACKEND
            batch: 1
            source: a published table

        """;

    private const string Training = """
          - name: mlp
            quantity: samples_per_s
            value: VALUE
            workload: mnist-mlp
            outputs: 10
            batch: 128
            calibrates: FIELD
            source: a published table

        """;

    private static HardwareProfile Load(string entry) => ProfileLoader.Parse(Profile + entry, "test.yaml");

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Test]
    public void Predict_CountsThatOverflow_AreBadInputAtTheEntry_NotAnInternalError()
    {
        HardwareProfile p = Load(Projection.Replace("BACKEND", "dense", StringComparison.Ordinal));
        ValidationEntry huge = p.Validation.Single() with { ErrorSize = int.MaxValue, LayerSize = int.MaxValue, Batch = int.MaxValue };

        var ex = Assert.Throws<DfaInputException>(() => PublishedValidation.Predict(huge, new Prices(p), Registry))!;

        Assert.That(ex.Message, Does.StartWith("test.yaml:22:5: validation entry 'proj': "));
        Assert.That(ex.Message, Does.Contain("too large to price"));
    }

    [Test]
    public void Predict_AProjectionWithBp_NamesTheEntryOnce()
    {
        HardwareProfile p = Load(Projection.Replace("BACKEND", "bp", StringComparison.Ordinal));

        var ex = Assert.Throws<DfaInputException>(() => PublishedValidation.Run(p, Registry))!;

        Assert.That(ex.Message, Is.EqualTo("test.yaml:22:5: validation entry 'proj': a projection needs a feedback backend, not bp"));
        Assert.That(Count(ex.Message, "test.yaml"), Is.EqualTo(1));
    }

    [Test]
    public void Calibrate_AFieldThePredictionDoesNotDependOn_SaysSo_AndIsAnError()
    {
        HardwareProfile p = Load(Training.Replace("VALUE", "1200", StringComparison.Ordinal).Replace("FIELD", "clock_hz", StringComparison.Ordinal));
        var prices = new Prices(p);
        ValidationEntry entry = p.Validation.Single();
        double low = PublishedValidation.Predict(entry, prices.With("clock_hz", 1e3), Registry);
        double high = PublishedValidation.Predict(entry, prices.With("clock_hz", 1e15), Registry);
        Assert.That(high, Is.EqualTo(low).Within(0.1).Percent, "the premise: this training step's price does not read clock_hz");

        IReadOnlyList<PublishedComparison> rows = PublishedValidation.Run(p, Registry);

        Assert.That(rows.Single().Calibration!.Value, Is.Null);
        Assert.That(rows.Single().Calibration!.Problem, Does.StartWith("the model's prediction does not move with clock_hz"));
        var ex = Assert.Throws<DfaInputException>(() => PublishedValidation.ThrowIfACalibrationFailed(rows))!;
        Assert.That(ex.Message, Does.StartWith("test.yaml:22:5: validation entry 'mlp' cannot calibrate clock_hz: the model's prediction does not move with clock_hz: "));
    }

    [Test]
    public void Calibrate_AFigureOutOfTheFieldsReach_GivesTheModelsRange_WithoutContradiction()
    {
        HardwareProfile p = Load(Training.Replace("VALUE", "1e15", StringComparison.Ordinal).Replace("FIELD", "compute.gemm_efficiency", StringComparison.Ordinal));

        IReadOnlyList<PublishedComparison> rows = PublishedValidation.Run(p, Registry);

        string problem = rows.Single().Calibration!.Problem!;
        Assert.That(problem, Does.StartWith("no value of compute.gemm_efficiency in [0.0001, 1] reproduces 1E+15: the model gives "));
        Assert.That(problem, Does.EndWith("both below it"));
        Assert.Throws<DfaInputException>(() => PublishedValidation.ThrowIfACalibrationFailed(rows));
    }

    [Test]
    public void ThrowIfACalibrationFailed_AcceptsASolvedCalibration()
    {
        HardwareProfile p = Load(Training.Replace("VALUE", "1", StringComparison.Ordinal).Replace("FIELD", "compute.gemm_efficiency", StringComparison.Ordinal));
        var prices = new Prices(p);
        ValidationEntry entry = p.Validation.Single();
        entry = entry with { Value = PublishedValidation.Predict(entry, prices.With("compute.gemm_efficiency", 0.5), Registry) };

        Dfa.Runs.Validation.Calibration c = PublishedValidation.Calibrate(entry, prices, Registry, "compute.gemm_efficiency");

        Assert.That(c.Problem, Is.Null);
        double again = PublishedValidation.Predict(entry, prices.With("compute.gemm_efficiency", c.Value!.Value), Registry);
        Assert.That(again, Is.EqualTo(entry.Value).Within(1e-6).Percent);
        Assert.DoesNotThrow(() => PublishedValidation.ThrowIfACalibrationFailed([new PublishedComparison("test", entry, entry.Value, 0.7, c)]));
    }

    [TestCase(new[] { "gpu-v100-sxm2-16gb", "gpu-v100-sxm2-16gb" }, "profile 'gpu-v100-sxm2-16gb' is named twice")]
    [TestCase(new[] { "all", "gpu-v100-sxm2-16gb" }, "'all' already names every profile")]
    public void Run_ANameTwice_IsRefused(string[] names, string says)
    {
        ProfileCatalog catalog = ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles"));

        var ex = Assert.Throws<DfaInputException>(() => PublishedValidation.Run(catalog, names, Registry, out _))!;

        Assert.That(ex.Message, Does.StartWith(says));
    }
}
