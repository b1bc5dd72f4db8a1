using Dfa.Sim.Profiles;
using Dfa.Testing;
using Snapshooter.NUnit;

namespace Dfa.Sim.Tests.Profiles;

/// <summary>
/// Every shipped profile as loaded, field by field with unit and source: a change to a profile or to the loader shows
/// up as a snapshot diff to review. Snapshots live in <c>__snapshots__</c>; set <c>SNAPSHOOTER_STRICT_MODE=true</c> in
/// CI so a missing one fails instead of being created.
/// </summary>
public sealed class ProfileSnapshotTests
{
    private static IEnumerable<string> Names() => ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Names;

    [TestCaseSource(nameof(Names))]
    public void Load_ShippedProfile_MatchesItsSnapshot(string name)
    {
        HardwareProfile p = ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load(name);

        var view = new
        {
            p.Name,
            Kind = p.Kind.ToString(),
            p.Description,
            Capabilities = p.Capabilities.Select(c => c.ToString()).ToArray(),
            Memory = p.Memory.Select(m => $"{m.Name} ({(m.OffChip ? "off-chip" : "on-chip")})").ToArray(),
            Fields = p.Fields.Select(f => new { f.Path, Value = f.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), f.Unit, f.Source }).ToArray(),
        };
        Snapshot.Match(view);
    }
}
