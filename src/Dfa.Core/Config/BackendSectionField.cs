using Dfa.Core.Config.Schema;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config;

/// <summary><c>feedback.&lt;name&gt;</c>: a backend's option section, bound by the backend's own schema; <c>null</c> or absent means not given.</summary>
internal sealed class BackendSectionField(IBackendSection section) : Field<FeedbackConfig>(section.Name, null)
{
    public override FeedbackConfig Bind(FeedbackConfig target, YNode value, string path, BindContext ctx) => value switch
    {
        YScalar { IsNull: true } => target.With(section, null),
        YMapping map => target.With(section, section.Bind(target.Sections[section.Name], map, path, ctx)),
        _ => throw value.Error($"{path}: expected a mapping of keys ({string.Join(", ", section.Document(path).Select(d => d.Path[(path.Length + 1)..]))}) or null, got {value.KindName}"),
    };

    /// <summary>
    /// The section's pairs; the active backend's section (<c>feedback.backend</c>) is described at its defaults when the
    /// config does not give it, so a run records every option it trained with, not <c>null</c>.
    /// </summary>
    public override void Describe(FeedbackConfig source, string path, List<KeyValuePair<string, string>> into) =>
        section.Describe(
            source.Sections[section.Name] ?? (string.Equals(source.Backend, section.Name, StringComparison.OrdinalIgnoreCase) ? section.Defaults : null),
            path,
            into);

    public override void Document(FeedbackConfig defaults, string path, List<KeyDoc> into) => into.AddRange(section.Document(path));
}
