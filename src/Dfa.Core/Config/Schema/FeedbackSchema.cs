namespace Dfa.Core.Config.Schema;

/// <summary>
/// What the registered feedback backends add to the config schema: the backend <c>feedback.backend</c> defaults to,
/// and each backend's option section. Built by the backend registry and handed to the config loader, so Core never
/// names a backend.
/// </summary>
/// <param name="DefaultBackend">The value of <c>feedback.backend</c> when a config does not set it (the reference backend).</param>
/// <param name="Backends">Every registered backend's name.</param>
/// <param name="Sections">The option sections of the backends that have one, in registration order.</param>
public sealed record FeedbackSchema(string? DefaultBackend, IReadOnlyList<string> Backends, IReadOnlyList<IBackendSection> Sections)
{
    /// <summary>
    /// Whether a config may give option sections of backends other than <c>feedback.backend</c> (each still checked by
    /// its backend): a comparison hands each member its own section. Otherwise such a section is an error, because it
    /// would configure nothing.
    /// </summary>
    public bool AnyBackendSection { get; init; }

    /// <summary>No backends: configs load with <c>feedback.backend</c> unset and no backend sections.</summary>
    public static FeedbackSchema None { get; } = new(null, [], []);
}
