using System.Text.RegularExpressions;
using Dfa.Sim.Profiles;
using Dfa.Testing;

namespace Dfa.Sim.Tests.Profiles;

/// <summary>
/// Sources inside the repository: every <c>SOURCES.md [TAG]</c> a shipped profile cites is an entry of
/// <c>hardware-profiles/SOURCES.md</c>; no source or profile comment names a file the repository does not hold; every
/// quoted figure (a source starting with [V], [S] or [U]) names at least one entry; and the README's citations of
/// SOURCES.md entries exist too.
/// </summary>
public sealed partial class ProfileSourcesTests
{
    private static readonly string Folder = RepoPaths.Combine("hardware-profiles");

    private static IEnumerable<string> Profiles() => ProfileCatalog.Open(Folder).Names;

    /// <summary>The tags of SOURCES.md's table: the first cell of each row, in brackets.</summary>
    private static HashSet<string> Entries() =>
        [.. File.ReadLines(Path.Combine(Folder, "SOURCES.md")).Select(l => EntryRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value)];

    private static IEnumerable<string> Cited(string text) => Citation().Matches(text).SelectMany(m => m.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries)).Select(t => t.Trim('[', ']')).Where(t => t.Length > 0);

    [Test]
    public void SourcesMd_ListsEachEntryOnce()
    {
        var tags = File.ReadLines(Path.Combine(Folder, "SOURCES.md")).Select(l => EntryRow().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.That(tags, Is.Unique);
        Assert.That(tags, Has.Count.GreaterThan(10));
    }

    [TestCaseSource(nameof(Profiles))]
    public void EveryCitedEntry_IsInSourcesMd_AndNoSourceNamesAFileOutsideTheRepository(string name)
    {
        HashSet<string> entries = Entries();
        string path = Path.Combine(Folder, name + ".yaml");
        HardwareProfile p = ProfileLoader.Load(path);
        Assert.Multiple(() =>
        {
            foreach (ProfileField f in p.Fields)
            {
                foreach (string tag in Cited(f.Source))
                {
                    Assert.That(entries, Does.Contain(tag), $"{name} {f.Path}: SOURCES.md has no [{tag}]");
                }
            }

            // Comments included: a profile may point only at files the repository holds.
            foreach ((string line, int i) in File.ReadLines(path).Select((l, i) => (l, i + 1)))
            {
                foreach (Match m in MarkdownFile().Matches(line))
                {
                    // A path is read beside the profile (SOURCES.md) or from the repository root (hardware-profiles/README.md).
                    Assert.That(File.Exists(Path.Combine(Folder, m.Value)) || File.Exists(RepoPaths.Combine(m.Value)), $"{name}.yaml:{i} names {m.Value}, which the repository does not hold");
                }

                foreach (string tag in Cited(line))
                {
                    Assert.That(entries, Does.Contain(tag), $"{name}.yaml:{i}: SOURCES.md has no [{tag}]");
                }
            }
        });
    }

    [TestCaseSource(nameof(Profiles))]
    public void EveryQuotedFigure_NamesItsPrimarySource(string name)
    {
        HardwareProfile p = ProfileLoader.Load(Path.Combine(Folder, name + ".yaml"));
        string[] quoted = ["[V]", "[S]", "[U]"];
        var unsourced = p.Fields.Where(f => quoted.Any(q => f.Source.StartsWith(q, StringComparison.Ordinal)) && !Cited(f.Source).Any()).Select(f => f.Path);
        Assert.That(unsourced, Is.Empty, $"{name}: quoted figures without a SOURCES.md entry");
    }

    [Test]
    public void Coverage_CountsTheProfileNumbersWithAPrimarySource()
    {
        int total = 0, cited = 0, measured = 0, assumed = 0;
        foreach (string name in Profiles())
        {
            HardwareProfile p = ProfileLoader.Load(Path.Combine(Folder, name + ".yaml"));
            int withSource = p.Fields.Count(f => Cited(f.Source).Any());
            TestContext.Out.WriteLine($"{name}: {p.Fields.Count} numbers, {withSource} cite a primary source in SOURCES.md");
            total += p.Fields.Count;
            cited += withSource;
            measured += p.Fields.Count(f => f.Source.StartsWith("measured", StringComparison.Ordinal));
            assumed += p.Fields.Count(f => f.Source.StartsWith("assumption", StringComparison.Ordinal) && !Cited(f.Source).Any());
        }

        TestContext.Out.WriteLine($"all shipped profiles: {total} numbers; {cited} cite a primary source listed in SOURCES.md, {measured} measured by dfa calibrate, {assumed} assumptions citing none, {total - cited - measured - assumed} derived or otherwise explained without a citation");
        Assert.That(cited, Is.GreaterThan(0));
        Assert.That(cited + measured + assumed, Is.LessThanOrEqualTo(total));
    }

    [Test]
    public void Readme_CitesOnlyEntriesThatExist()
    {
        HashSet<string> entries = Entries();
        foreach (string file in new[] { RepoPaths.Combine("README.md"), Path.Combine(Folder, "README.md") })
        {
            foreach (string tag in Cited(File.ReadAllText(file)))
            {
                Assert.That(entries, Does.Contain(tag), $"{file}: SOURCES.md has no [{tag}]");
            }

            Assert.That(File.ReadAllText(file), Does.Not.Contain("hardware-anchors.md"), $"{file} cites a research note outside the repository");
        }
    }

    [GeneratedRegex(@"^\| \[([A-Za-z0-9.-]+)\] \|")]
    private static partial Regex EntryRow();

    /// <summary><c>SOURCES.md [A], [B]</c> or <c>SOURCES.md` [A]</c>: the tags after a mention of SOURCES.md.</summary>
    [GeneratedRegex(@"SOURCES\.md`? ((?:\[[A-Za-z0-9.-]+\](?:, )?)+)")]
    private static partial Regex Citation();

    [GeneratedRegex(@"[A-Za-z0-9_./-]+\.md\b")]
    private static partial Regex MarkdownFile();
}
