using Dfa.Core;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Registry;

/// <summary>
/// The feedback backends registered in the container, looked up by name (case-insensitive).
/// The first registered is the <see cref="Default"/>: the backend <c>feedback.backend</c> means when a config does not
/// set it, and the reference the others are compared against (<c>dense</c> with <see cref="FeedbackServiceCollectionExtensions.AddFeedbackBackends"/>).
/// </summary>
public sealed class FeedbackBackendRegistry
{
    private readonly IFeedbackBackend[] _backends;
    private readonly Dictionary<string, IFeedbackBackend> _byName;

    /// <exception cref="InvalidOperationException">No backend, a reserved name (<see cref="ReservedNames"/>), two backends with one name, or a section not named after its backend.</exception>
    public FeedbackBackendRegistry(IEnumerable<IFeedbackBackend> backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        _backends = [.. backends];
        if (_backends.Length == 0)
        {
            throw new InvalidOperationException("No feedback backend is registered.");
        }

        _byName = new Dictionary<string, IFeedbackBackend>(StringComparer.OrdinalIgnoreCase);
        foreach (IFeedbackBackend backend in _backends)
        {
            if (ReservedNames.Contains(backend.Name) || backend.Name.EndsWith("-fp16", StringComparison.OrdinalIgnoreCase)
                || string.IsNullOrWhiteSpace(backend.Name) || backend.Name.Any(c => char.IsWhiteSpace(c) || c is ',' or '.'))
            {
                throw new InvalidOperationException(
                    $"A feedback backend cannot be named '{backend.Name}': {string.Join(", ", ReservedNames)} and names ending in -fp16 mean something else "
                    + "to the commands and keys under feedback, and a name has no spaces, commas or dots.");
            }

            if (!_byName.TryAdd(backend.Name, backend))
            {
                throw new InvalidOperationException($"Two feedback backends are registered as '{backend.Name}'.");
            }

            if (backend.Section is { } section && section.Name != backend.Name)
            {
                throw new InvalidOperationException($"Backend '{backend.Name}' declares its config section as '{section.Name}'; a section is named after its backend.");
            }
        }

        Names = [.. _backends.Select(b => b.Name).Order(StringComparer.Ordinal)];
        Schema = new FeedbackSchema(_backends[0].Name, Names, [.. _backends.Select(b => b.Section).OfType<IBackendSection>()]);
    }

    /// <summary>
    /// Names no backend may take: the method <c>bp</c> and the list words <c>all</c> and <c>none</c> of the commands, and
    /// the keys every backend shares under <c>feedback</c> (a section of that name would shadow them).
    /// </summary>
    public static IReadOnlySet<string> ReservedNames { get; } =
        new SortedSet<string>(["bp", "all", "none", "backend", "init", "scale", "seed"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Registered names, sorted (ordinal).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Every backend, in registration order.</summary>
    public IReadOnlyList<IFeedbackBackend> All => _backends;

    /// <summary>The first registered backend: <c>feedback.backend</c>'s default and the reference for comparisons.</summary>
    public IFeedbackBackend Default => _backends[0];

    /// <summary>What the backends add to the config schema: <c>feedback.backend</c>'s default and every backend's option section.</summary>
    public FeedbackSchema Schema { get; }

    /// <summary>The backend called <paramref name="name"/> (null: the default); an unknown name is a user error that lists the valid ones.</summary>
    public IFeedbackBackend Get(string? name) =>
        name is null ? Default
        : _byName.TryGetValue(name, out IFeedbackBackend? backend) ? backend
        : throw new DfaInputException($"unknown feedback backend '{(name.Length <= 60 ? name : name[..57] + "...")}'; valid backends: {string.Join(", ", Names)}");
}
