using System.Globalization;
using Dfa.Sim.Profiles;

namespace Dfa.Runs.Validation;

/// <summary>One validation entry priced: the published and predicted values and their relative error.</summary>
/// <param name="Profile">The profile's name.</param>
/// <param name="Entry">The published figure.</param>
/// <param name="Predicted">The model's value on the profile as stored.</param>
/// <param name="Calibration">For the calibration entry: the value that reproduces the figure; null for held-out entries.</param>
/// <param name="StoredValue">The calibrated field's value as the profile stores it (only meaningful for a calibration entry).</param>
public sealed record PublishedComparison(string Profile, ValidationEntry Entry, double Predicted, double StoredValue, Calibration? Calibration)
{
    /// <summary><c>(predicted − published) / published</c>.</summary>
    public double Error => (Predicted - Entry.Value) / Entry.Value;

    /// <summary><c>calibration</c> or <c>held out</c>.</summary>
    public string Role => Entry.IsCalibration ? "calibration" : "held out";

    /// <summary>How a table names the role: <c>held out</c>, or the calibration with the solved and stored values.</summary>
    public string RoleText => Calibration is { } cal
        ? cal.Value is { } v ? Inv($"calibration: {Entry.Calibrates} = {v:G4} (stored {StoredValue:G4})") : $"calibration failed: {cal.Problem}"
        : "held out";

    /// <summary>Whether a held-out entry with a bound is within it; null when it has no bound.</summary>
    public bool? WithinBound => Entry.Bound is { } b ? Math.Abs(Error) <= b : null;

    /// <summary>The quantity's value as a table prints it (<c>938 samples/s</c>, <c>270 µJ</c>).</summary>
    public static string Format(ValidationQuantity quantity, double value) => quantity switch
    {
        ValidationQuantity.SamplesPerS => Inv($"{value:G4} samples/s"),
        ValidationQuantity.InferencesPerS => Inv($"{value:G4} inferences/s"),
        ValidationQuantity.EnergyPerInferenceJ => Inv($"{value:G4} J"),
        ValidationQuantity.ProjectionOpsPerS => Inv($"{value / 1e12:G4} TOPS"),
        _ => Inv($"{value / 1e12:G4} TOPS/W"),
    };

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
