using System.Text;
using Dfa.Sim.Profiles;
using Dfa.Testing;
using Dfa.Testing.Fuzzing;

namespace Dfa.Sim.Tests.Profiles;

/// <summary>
/// Hostile hardware profiles: thousands of mutations of the shipped profiles (<c>hardware-profiles/*.yaml</c>), each
/// written to <c>NAME.yaml</c> (so the name check can pass) and read with <see cref="ProfileLoader.Load"/>, and for every
/// third case also through <see cref="ProfileLoader.Parse"/> on a Latin-1 reading of the bytes. Each must load or fail
/// with one clean line, in bounded time and memory.
/// </summary>
[Category("Fuzz")]
public sealed class ProfileFuzzTests
{
    [Test]
    public void MutatedProfiles_LoadOrFailWithOneCleanLine()
    {
        var settings = FuzzSettings.FromEnvironment();
        var mutator = new Mutator(settings.Seed, FuzzCorpus.Profiles(), InputKind.Yaml);
        using var temp = new TempFolder();
        var report = FuzzHarness.Run("profile", settings, mutator.Generate, input =>
        {
            string path = temp.Combine(Path.GetFileName(input.SeedName));
            File.WriteAllBytes(path, input.Bytes);
            try
            {
                _ = ProfileLoader.Load(path);
            }
            finally
            {
                if (input.Index % 3 == 0)
                {
                    TextEntryPoint(input.Bytes);
                }
            }
        }, "yaml");
        report.AssertClean();
        Assert.That(report.Succeeded, Is.GreaterThan(0));
    }

    private static void TextEntryPoint(byte[] bytes)
    {
        try
        {
            _ = ProfileLoader.Parse(Encoding.Latin1.GetString(bytes), "fuzz.yaml");
        }
        catch (Exception ex) when (FuzzHarness.CheckRefusal(ex) is null)
        {
        }
        catch (Exception ex)
        {
            throw new FuzzViolation($"text entry point: {FuzzHarness.CheckRefusal(ex)}");
        }
    }
}
