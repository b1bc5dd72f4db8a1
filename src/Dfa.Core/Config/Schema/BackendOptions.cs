namespace Dfa.Core.Config.Schema;

/// <summary>
/// The base of a feedback backend's options: the immutable record a backend's config section
/// <c>feedback.&lt;name&gt;</c> binds onto, its defaults in its property initialisers. Core keeps it opaque
/// (<see cref="BackendSections"/>); only the backend that declares it reads it.
/// </summary>
public abstract record BackendOptions;
