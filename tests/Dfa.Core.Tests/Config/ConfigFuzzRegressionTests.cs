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

    /// <summary>
    /// Fuzz strategy "encoding": a config saved as UTF-16 or UTF-32 was refused as "invalid UTF-8 byte 0xFF" or
    /// "control character U+0000", which does not say what to do; now the encoding is named, with or without a
    /// byte-order mark.
    /// </summary>
    [TestCase("utf-16", true, "UTF-16 little-endian")]
    [TestCase("utf-16", false, "UTF-16 little-endian (no byte-order mark)")]
    [TestCase("utf-16BE", true, "UTF-16 big-endian")]
    [TestCase("utf-16BE", false, "UTF-16 big-endian (no byte-order mark)")]
    [TestCase("utf-32", true, "UTF-32 little-endian")]
    [TestCase("utf-32", false, "UTF-32 little-endian (no byte-order mark)")]
    [TestCase("utf-32BE", true, "UTF-32 big-endian")]
    [TestCase("utf-32BE", false, "UTF-32 big-endian (no byte-order mark)")]
    public void WideEncodings_AreNamed(string encodingName, bool byteOrderMark, string named)
    {
        var encoding = Encoding.GetEncoding(encodingName);
        byte[] bytes = [.. byteOrderMark ? encoding.GetPreamble() : [], .. encoding.GetBytes("lr: 0.1\n")];

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.ParseBytes(bytes, "wide.yaml", null));

        Assert.That(ex!.Message, Is.EqualTo($"wide.yaml:1:1: the file is {named} text; save it as UTF-8"));
    }

    /// <summary>UTF-8 with a byte-order mark, and a NUL later in the file, keep their messages.</summary>
    [Test]
    public void Utf8WithByteOrderMark_Loads_AndALaterNulIsAControlCharacter()
    {
        Assert.That(ConfigLoader.ParseBytes([.. "\uFEFF"u8, .. "lr: 0.1\n"u8], "bom.yaml", null).LearningRate, Is.EqualTo(0.1));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.ParseBytes("lr: 0.1\0\n"u8, "nul.yaml", null));

        Assert.That(ex!.Message, Is.EqualTo("nul.yaml:1:8: control character U+0000 is not allowed; a config must be text"));
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
