using System.Text;
using Dfa.Core.Config;

namespace Dfa.Core.Tests.Config;

public sealed class ConfigFuzzTests
{
    private static readonly int Iterations = int.TryParse(Environment.GetEnvironmentVariable("DFA_CONFIG_FUZZ_ITERATIONS"), out var n) ? n : 500;
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("DFA_CONFIG_FUZZ_SEED"), out var s) ? s : 20261127;

    private const string YamlIndicators = "{}[],:&*!|>'\"%@`#-? \n\t";

    [Test]
    public void MutatedSurveyText_LoadsOrThrowsAnInputError()
    {
        var seed = Encoding.UTF8.GetBytes(SurveyConfig.Text);
        var random = new Random(Seed);
        int loaded = 0, rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var bytes = Mutate(seed, random);
            foreach (var attempt in new Action[]
            {
                () => ConfigLoader.ParseBytes(bytes, "fuzz.yaml", null),
                () => ConfigLoader.Parse(Encoding.Latin1.GetString(bytes), "fuzz.yaml"),
            })
            {
                try
                {
                    attempt();
                    loaded++;
                }
                catch (DfaInputException e)
                {
                    Assert.That(e.Message, Does.Not.Contain('\n'), e.Message);
                    rejected++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"mutation {i} threw {e.GetType().Name}: {e.Message}\n---\n{Encoding.Latin1.GetString(bytes)}");
                }
            }
        }

        TestContext.Out.WriteLine($"loaded {loaded}, rejected {rejected}");
        Assert.That(rejected, Is.GreaterThan(0));
        Assert.That(loaded, Is.GreaterThan(0));
    }

    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = new List<byte>(source);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] = (byte)YamlIndicators[random.Next(YamlIndicators.Length)];
                    break;
                case 2:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(random.Next(1, 16), bytes.Count - at));
                    break;
                case 4:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes.InsertRange(at, Encoding.ASCII.GetBytes(new[] { "*a", "&a ", "[", "{", "- ", "---\n", "\n  x: 1", "lr: 1\n" }[random.Next(8)]));
                    break;
            }
        }

        return [.. bytes];
    }
}
