namespace Dfa.Cli.Commands;

/// <summary>The parsed arguments of <c>dfa train</c>.</summary>
internal sealed record TrainRequest(string? ConfigPath, string? OutputFolder, IReadOnlyList<string> Overrides, string? DataFolder, string? Backend, string? Resume = null, bool Overwrite = false);
