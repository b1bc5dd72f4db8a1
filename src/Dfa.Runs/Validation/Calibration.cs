namespace Dfa.Runs.Validation;

/// <summary>A calibration's outcome: the field, the value that reproduces the published figure, or why none does.</summary>
public sealed record Calibration(string Path, double? Value, string? Problem);
