using System.Text;
using Dfa.Core.Config;

namespace Dfa.Core.Tests.Config;

/// <summary>Inputs the config fuzzer (<see cref="ConfigFuzzTests"/>) found, minimized, with the behaviour now expected.</summary>
public sealed class ConfigFuzzRegressionTests
{
    /// <summary>
    /// Fuzz seed 20261128, case 167 (strategy many-keys on configs/seed.yaml): a mapping of tens of thousands of distinct
    /// keys. The reader checked each key for duplicates by scanning the keys before it, so 50 000 keys (under the 1 MiB
    /// limit) cost 1.25·10⁹ string comparisons (minutes); with a set it is one pass and the first unknown key is named.
    /// </summary>
    [Test]
    public void ManyDistinctKeys_AreReadInOnePass_AndTheFirstUnknownKeyIsNamed()
    {
        string text = ManyKeys(50_000);
        Assert.That(Encoding.UTF8.GetByteCount(text), Is.LessThan(ConfigLoader.MaxConfigBytes));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, "many.yaml"));

        Assert.That(ex!.Message, Does.StartWith("many.yaml:2:1: unknown key 'k0'"));
    }

    /// <summary>The set keeps the old message: a duplicate after many keys names where the key was first given.</summary>
    [Test]
    public void DuplicateKey_AfterManyKeys_NamesTheFirstOccurrence()
    {
        string text = ManyKeys(50_000) + "lr: 0.2\n";

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, "many.yaml"));

        Assert.That(ex!.Message, Is.EqualTo("many.yaml:50002:1: duplicate key 'lr' (first given at line 1, column 1)"));
    }

    private static string ManyKeys(int count)
    {
        var b = new StringBuilder("lr: 0.1\n");
        for (int i = 0; i < count; i++)
        {
            b.Append("k").Append(i).Append(": ").Append(i).Append('\n');
        }

        return b.ToString();
    }
}
