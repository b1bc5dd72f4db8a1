using System.Text;
using Dfa.Core.Config;
using Dfa.Core.Yaml;
using Dfa.Testing.Fuzzing;

namespace Dfa.Core.Tests.Config;

/// <summary>
/// Hostile configs: thousands of mutations of the shipped configs (<c>configs/**/*.yaml</c>) through the loader's byte
/// entry point (what <c>ConfigLoader.Load</c> reads) and, for every third case, its text entry point on a Latin-1
/// reading of the same bytes. Each must load or fail with one clean <see cref="ConfigException"/> line, in bounded time
/// and memory. Knobs: <see cref="FuzzSettings"/> (<c>DFA_FUZZ_CASES</c>, <c>DFA_FUZZ_SEED</c>, <c>DFA_FUZZ_CASE</c>).
/// </summary>
[Category("Fuzz")]
public sealed class ConfigFuzzTests
{
    [Test]
    public void MutatedConfigs_LoadOrFailWithOneCleanLine()
    {
        var settings = FuzzSettings.FromEnvironment();
        var mutator = new Mutator(settings.Seed, FuzzCorpus.Configs(), InputKind.Yaml);
        var report = FuzzHarness.Run("config", settings, mutator.Generate, input =>
        {
            try
            {
                ConfigLoader.ParseBytes(input.Bytes, "fuzz.yaml", null);
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
        Assert.That(report.Succeeded, Is.GreaterThan(0), "some mutations must still load, or the fuzzer only tests the parser's front door");
    }

    [Test]
    public void ShippedConfigs_AreValidSeeds()
    {
        var loaded = FuzzCorpus.Configs().Count(seed =>
        {
            try
            {
                ConfigLoader.ParseBytes(seed.Bytes, seed.Name, null);
                return true;
            }
            catch (ConfigException)
            {
                return false;
            }
        });
        Assert.That(loaded, Is.GreaterThanOrEqualTo(5));
    }

    /// <summary>The string entry point; a refusal here is checked like one from the byte entry point.</summary>
    private static void TextEntryPoint(byte[] bytes)
    {
        try
        {
            ConfigLoader.Parse(Encoding.Latin1.GetString(bytes), "fuzz.yaml");
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
