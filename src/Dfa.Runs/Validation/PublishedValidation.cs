using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Runs.Files;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Runs.Validation;

/// <summary>
/// Every profile against the published end-to-end figures it lists (<c>validation:</c>): each entry priced through
/// the one cost engine on the profile as stored, and compared with the published value. The entry that calibrates a
/// field (at most one per profile) is also solved for: the field's value that reproduces the published figure
/// exactly, which the profile is expected to store (<see cref="PublishedComparison.Calibration"/>); every other entry
/// is held out, predicted from that stored value and never used to set it.
/// </summary>
public static class PublishedValidation
{
    /// <summary>Every entry of <paramref name="profile"/>, in file order.</summary>
    /// <exception cref="DfaInputException">An entry names a backend that is not registered or cannot run on the profile.</exception>
    public static IReadOnlyList<PublishedComparison> Run(HardwareProfile profile, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(registry);
        var prices = new Prices(profile);
        var results = new List<PublishedComparison>();
        foreach (ValidationEntry entry in profile.Validation)
        {
            double predicted = Predict(entry, prices, registry);
            Calibration? calibration = entry.Calibrates is { } path ? Calibrate(entry, prices, registry, path) : null;
            results.Add(new PublishedComparison(profile.Name, entry, predicted, prices[entry.Calibrates ?? ProfileField(profile)], calibration));
        }

        return results;
    }

    /// <summary>
    /// Every entry of the profiles named in <paramref name="names"/> (comma-separated, or <c>all</c>), in order; the
    /// profiles that list none are returned in <paramref name="withoutFigures"/>.
    /// </summary>
    /// <exception cref="DfaInputException">
    /// A name given twice (or <c>all</c> beside other names), no named profile lists a published figure, or an entry cannot be priced.
    /// </exception>
    public static IReadOnlyList<PublishedComparison> Run(
        ProfileCatalog catalog, IReadOnlyList<string> names, FeedbackBackendRegistry registry, out IReadOnlyList<string> withoutFigures)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(names);
        if (names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new DfaInputException($"profile '{twice.Key}' is named twice: each profile's figures are validated once");
        }

        if (names.Contains("all") && names.Count > 1)
        {
            throw new DfaInputException($"'all' already names every profile: give all alone, or the names ({string.Join(", ", names.Where(n => n != "all"))})");
        }

        var results = new List<PublishedComparison>();
        var none = new List<string>();
        foreach (string name in names.Contains("all") ? catalog.Names : names)
        {
            HardwareProfile profile = catalog.Load(name);
            if (profile.Validation.Count == 0)
            {
                none.Add(name);
            }

            results.AddRange(Run(profile, registry));
        }

        withoutFigures = none;
        return results.Count > 0 ? results : throw new DfaInputException($"no published figures to validate in {string.Join(", ", none)}");
    }

    /// <summary><paramref name="entry"/>'s quantity predicted on <paramref name="prices"/>.</summary>
    /// <exception cref="DfaInputException">A backend that is not registered or cannot run on the profile.</exception>
    public static double Predict(ValidationEntry entry, Prices prices, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(registry);
        Prices p = prices.WithPrecision(Precisions.Parse(entry.Precision));
        try
        {
            switch (entry.Quantity)
            {
                case ValidationQuantity.SamplesPerS:
                    NetworkSpec network = WorkloadCatalog.Create(entry.Workload!, entry.Outputs);
                    string name = entry.Method == "bp" ? CostPlans.Bp : entry.Backend!;
                    OptimizerKind optimizer = entry.Optimizer == "adam" ? OptimizerKind.Adam : OptimizerKind.Sgd;
                    return CostPlans.Price(name, network, entry.Batch, p, registry, optimizer: optimizer).SamplesPerSecond;
                case ValidationQuantity.InferencesPerS:
                    return CostModel.PriceForward(WorkloadCatalog.Create(entry.Workload!, entry.Outputs), entry.Batch, p).SamplesPerSecond;
                case ValidationQuantity.EnergyPerInferenceJ:
                    EnergySplit e = CostModel.PriceForward(WorkloadCatalog.Create(entry.Workload!, entry.Outputs), entry.Batch, p).Energy;
                    return (e.Compute + e.OnChip + e.OffChip + e.Optical) / entry.Batch;
                default:
                    var shape = new FeedbackShape(entry.ErrorSize, [entry.LayerSize]);
                    FeedbackPlan plan = CostPlans.Plan(entry.Backend!, shape, entry.Batch, p, registry)
                        ?? throw new DfaInputException("a projection needs a feedback backend, not bp");
                    ProjectionCost cost = CostModel.PriceProjection(plan, entry.Batch, p);
                    double ops = 2.0 * entry.ErrorSize * entry.LayerSize * entry.Batch;
                    return entry.Quantity == ValidationQuantity.ProjectionOpsPerS ? ops / cost.TimeSeconds : ops / cost.EnergyJ;
            }
        }
        catch (DfaInputException ex)
        {
            throw new DfaInputException($"{entry.Location}: validation entry '{entry.Name}': {ex.Message}");
        }
        catch (OverflowException)
        {
            // A backend counts its work in 64-bit integers, checked: sizes and a batch whose counts do not fit are bad input.
            throw new DfaInputException($"{entry.Location}: validation entry '{entry.Name}': its sizes and batch are too large to price (the operation counts overflow)");
        }
    }

    /// <summary>A prediction that changes by less than this fraction over a field's whole range does not move with the field.</summary>
    private const double StillTolerance = 1e-3;

    /// <summary>
    /// The value of <paramref name="path"/> at which the model reproduces <paramref name="entry"/>'s published figure:
    /// bisection (on a log scale) over the field's range, fractions in (0, 1], other fields within a factor 10⁶ of the
    /// stored value; the prediction must move monotonically with the field, which it does for every efficiency and energy.
    /// When no value in the range reproduces the figure (or the prediction does not move with the field at all), the
    /// calibration has a <see cref="Calibration.Problem"/> and no value.
    /// </summary>
    public static Calibration Calibrate(ValidationEntry entry, Prices prices, FeedbackBackendRegistry registry, string path)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(prices);
        double stored = prices[path];
        bool fraction = path.EndsWith("_efficiency", StringComparison.Ordinal);
        double lo = fraction ? 1e-4 : stored * 1e-6, hi = fraction ? 1 : stored * 1e6;
        double Gap(double v) => Predict(entry, prices.With(path, v), registry) - entry.Value;
        double gLo = Gap(lo), gHi = Gap(hi);
        if (Math.Sign(gLo) == Math.Sign(gHi))
        {
            double pLo = gLo + entry.Value, pHi = gHi + entry.Value;
            return new Calibration(path, null, Math.Abs(pHi - pLo) <= StillTolerance * Math.Max(Math.Abs(pLo), Math.Abs(pHi))
                ? FormattableString.Invariant(
                    $"the model's prediction does not move with {path}: {pLo:G6} at {lo:G3} and {pHi:G6} at {hi:G3}, against the published {entry.Value:G6}")
                : FormattableString.Invariant(
                    $"no value of {path} in [{lo:G3}, {hi:G3}] reproduces {entry.Value:G6}: the model gives {pLo:G6} at {lo:G3} and {pHi:G6} at {hi:G3}, both {(gLo > 0 ? "above" : "below")} it"));
        }

        for (int i = 0; i < 80; i++)
        {
            double mid = Math.Sqrt(lo * hi);
            if (Math.Sign(Gap(mid)) == Math.Sign(gLo))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return new Calibration(path, Math.Sqrt(lo * hi), null);
    }

    /// <summary>Refuses <paramref name="results"/> when a calibration entry's field could not be solved for.</summary>
    /// <exception cref="DfaInputException">The first failed calibration, with its entry's <c>file:line:column</c> and why it failed.</exception>
    public static void ThrowIfACalibrationFailed(IReadOnlyList<PublishedComparison> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.FirstOrDefault(r => r.Calibration?.Problem is not null) is { } failed)
        {
            throw new DfaInputException($"{failed.Entry.Location}: validation entry '{failed.Entry.Name}' cannot calibrate {failed.Entry.Calibrates}: {failed.Calibration!.Problem}");
        }
    }

    /// <summary>Refuses an output path that is empty or a folder, before anything is priced or printed.</summary>
    /// <exception cref="DfaInputException">The path names no file.</exception>
    public static void CheckOutput(string? path)
    {
        if (path is not null && (string.IsNullOrWhiteSpace(path) || Directory.Exists(path)))
        {
            throw new DfaInputException($"--out '{path}' must name a file, not a folder");
        }
    }

    /// <summary>The rows as JSON (<c>dfa validate --profile</c>'s file): one object per entry, in profile and file order.</summary>
    /// <exception cref="DfaInputException">The path is a folder or cannot be written.</exception>
    public static void WriteJson(string path, IReadOnlyList<PublishedComparison> results)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(results);
        CheckOutput(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            Write(path, results);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"--out '{path}': cannot write the results: {ex.Message}");
        }
    }

    private static void Write(string path, IReadOnlyList<PublishedComparison> results)
    {
        JsonFile.Write(path,
        [
            new("entries", results.Select(r => (object?)new List<KeyValuePair<string, object?>>
            {
                new("profile", r.Profile),
                new("entry", r.Entry.Name),
                new("quantity", ProfileLoader.QuantityName(r.Entry.Quantity)),
                new("role", r.Role),
                new("workload", r.Entry.Workload),
                new("batch", r.Entry.Batch),
                new("precision", r.Entry.Precision),
                new("published", r.Entry.Value),
                new("predicted", r.Predicted),
                new("error", r.Error),
                new("bound", r.Entry.Bound),
                new("within_bound", r.WithinBound),
                new("calibrates", r.Entry.Calibrates),
                new("stored_value", r.Entry.Calibrates is null ? null : r.StoredValue),
                new("calibrated_value", r.Calibration?.Value),
                new("calibration_problem", r.Calibration?.Problem),
                new("source", r.Entry.Source),
                new("note", r.Entry.Note),
            }).ToList()),
        ]);
    }

    /// <summary>Any field, for rows that calibrate nothing (their stored value is not reported).</summary>
    private static string ProfileField(HardwareProfile profile) => profile.Fields[0].Path;
}
