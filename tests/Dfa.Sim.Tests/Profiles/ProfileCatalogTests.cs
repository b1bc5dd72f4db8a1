using Dfa.Core;
using Dfa.Sim.Profiles;
using Dfa.Testing;

namespace Dfa.Sim.Tests.Profiles;

public sealed class ProfileCatalogTests
{
    private static string? NoEnvironment(string _) => null;

    [Test]
    public void Locate_PrefersTheExplicitFolder_ThenTheEnvironment()
    {
        Assert.That(ProfileCatalog.Locate("/a", _ => "/b", "/", "/"), Is.EqualTo("/a"));
        Assert.That(ProfileCatalog.Locate(null, v => v == "DFA_PROFILES" ? "/b" : null, "/", "/"), Is.EqualTo("/b"));
    }

    [Test]
    public void Locate_WalksUpFromTheWorkingDirectory_ThenFromTheExecutable()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp.Combine("repo", "hardware-profiles"));
        Directory.CreateDirectory(temp.Combine("repo", "src", "deep"));
        Directory.CreateDirectory(temp.Combine("elsewhere"));

        Assert.That(ProfileCatalog.Locate(null, NoEnvironment, temp.Combine("repo", "src", "deep"), temp.Combine("elsewhere")),
            Is.EqualTo(temp.Combine("repo", "hardware-profiles")));
        Assert.That(ProfileCatalog.Locate(null, NoEnvironment, temp.Combine("elsewhere"), temp.Combine("repo", "src")),
            Is.EqualTo(temp.Combine("repo", "hardware-profiles")));
    }

    [Test]
    public void Locate_NothingFound_IsBadInput()
    {
        using var temp = new TempFolder();
        var ex = Assert.Throws<DfaInputException>(() => ProfileCatalog.Locate(null, NoEnvironment, temp.Path, temp.Path))!;
        Assert.That(ex.Message, Does.Contain("pass --dir or set DFA_PROFILES"));
    }

    [Test]
    public void Load_UnknownName_SuggestsTheClosest()
    {
        var catalog = ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles"));

        var ex = Assert.Throws<DfaInputException>(() => catalog.Load("gpu-h100-sxm"))!;
        Assert.That(ex.Message, Does.StartWith($"no profile 'gpu-h100-sxm' in {catalog.Folder}; did you mean 'gpu-h100-sxm5'? (available: cpu-avx512-2core, "));
    }

    [Test]
    public void Load_UniquePrefix_IsSuggested()
    {
        var catalog = ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles"));

        var ex = Assert.Throws<DfaInputException>(() => catalog.Load("rram"))!;
        Assert.That(ex.Message, Does.Contain("; did you mean 'rram-cim-crossbar'?"));
    }

    [Test]
    public void Open_MissingFolder_IsBadInput() =>
        Assert.That(() => ProfileCatalog.Open("/nonexistent/profiles"), Throws.TypeOf<DfaInputException>().With.Message.EqualTo("/nonexistent/profiles: profiles folder not found"));
}
