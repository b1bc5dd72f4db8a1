using Dfa.Core;

namespace Dfa.Backends.Registry;

/// <summary>The feedback backends registered in the container, looked up by name (case-insensitive).</summary>
public sealed class FeedbackBackendRegistry
{
    private readonly Dictionary<string, IFeedbackBackend> _byName;

    public FeedbackBackendRegistry(IEnumerable<IFeedbackBackend> backends)
    {
        ArgumentNullException.ThrowIfNull(backends);
        _byName = new Dictionary<string, IFeedbackBackend>(StringComparer.OrdinalIgnoreCase);
        foreach (IFeedbackBackend backend in backends)
        {
            if (!_byName.TryAdd(backend.Name, backend))
            {
                throw new InvalidOperationException($"Two feedback backends are registered as '{backend.Name}'.");
            }
        }
    }

    /// <summary>Registered names, sorted.</summary>
    public IReadOnlyList<string> Names => _byName.Keys.Order(StringComparer.Ordinal).ToArray();

    public IReadOnlyCollection<IFeedbackBackend> All => _byName.Values;

    /// <summary>The backend called <paramref name="name"/>; an unknown name is a user error that lists the valid ones.</summary>
    public IFeedbackBackend Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out IFeedbackBackend? backend)
            ? backend
            : throw new DfaInputException($"unknown feedback backend '{(name.Length <= 60 ? name : name[..57] + "...")}'; valid backends: {string.Join(", ", Names)}");
    }
}
