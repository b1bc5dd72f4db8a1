using System.Text;
using Dfa.Core.Config;
using Dfa.Core.Yaml;

namespace Dfa.Core.Tests.Config;

/// <summary>Inputs the config fuzzer (<see cref="ConfigFuzzTests"/>) found, minimized, with the behaviour now expected.</summary>
public sealed class ConfigFuzzRegressionTests
{
    /// <summary>
    /// Fuzz seed 20261128, case 167 (strategy many-keys on configs/seed.yaml): a mapping of tens of thousands of distinct
    /// keys. The reader checked each key for duplicates by scanning the keys before it, so 40 000 keys (under the 1 MiB
    /// limit) cost 8·10⁸ string comparisons (a 60 000-key case ran past the 5 s fuzz limit); with a set it is one
    /// pass and the first unknown key is named.
    /// </summary>
    [Test]
    public void ManyDistinctKeys_AreReadInOnePass_AndTheFirstUnknownKeyIsNamed()
    {
        string text = ManyKeys(40_000);
        Assert.That(Encoding.UTF8.GetByteCount(text), Is.LessThan(ConfigLoader.MaxConfigBytes));

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, "many.yaml"));

        Assert.That(ex!.Message, Does.StartWith("many.yaml:2:1: unknown key 'k0'"));
    }

    /// <summary>
    /// Fuzz seed 1, case 840 (long-token): a 1 MiB flow list of 350 000 items allocated 275 MB while being read. A
    /// document now holds at most <see cref="YamlReader.MaxNodes"/> nodes; the error names where the limit was
    /// crossed.
    /// </summary>
    [Test]
    public void MoreThanMaxNodes_IsRefusedAtTheNodeThatCrossesTheLimit()
    {
        string text = "model: {hidden: [" + string.Join(", ", Enumerable.Repeat("1", YamlReader.MaxNodes)) + "]}\n";

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, "list.yaml"));

        // Nodes 1 to 4 are the root mapping, 'model', its mapping and 'hidden'; the list is node 5 and its items 6 on,
        // so item 99 995 (0-based) is node 100 001, at column 18 + 3·99 995.
        Assert.That(ex!.Message, Is.EqualTo(
            $"list.yaml:1:{18 + (3 * 99_995)}: more than 100000 YAML nodes (keys, values and list items); a config or profile needs a few hundred"));
    }

    /// <summary>
    /// Fuzz seed 1, case 463 (replace-number on configs/mnist-fa-tanh.yaml): 'weight_decay: -0' passed the range check
    /// (−0 is not below 0) and then crashed the optimizer's ThrowIfNegative (exit 1). −0 now reads as 0.
    /// </summary>
    [TestCase("weight_decay")]
    [TestCase("l2_regularization_lambda")]
    [TestCase("p_drop")]
    public void NegativeZero_ReadsAsZero(string key)
    {
        var config = ConfigLoader.Parse("lr: 0.1\n", "zero.yaml", [$"{key}=-0"]);

        var value = ConfigLoader.Describe(config).Single(p => p.Key == key).Value;
        Assert.That(value, Is.EqualTo("0"));
    }

    /// <summary>
    /// Fuzz seed 1, case 3112 (long-token on configs/backends/binary.yaml): the conflict message quoted a 500 000-character
    /// feedback.backend whole; it is now cut to 60 characters like every other quoted value. (An unregistered name is now
    /// refused where it is read, before any conflict, so the message that quotes it is the unknown-backend one.)
    /// </summary>
    [Test]
    public void ConflictMessage_QuotesALongBackendNameShortened()
    {
        string name = new('q', 5000);

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse($"feedback: {{backend: {name}, lamp: {{}}}}\n", "long.yaml", null, ToySections.Schema));

        Assert.That(ex!.Message, Does.Contain($"unknown feedback backend '{new string('q', 57)}...'"));
        Assert.That(ex.Message, Has.Length.LessThan(300));
    }

    /// <summary>The set keeps the old message: a duplicate after many keys names where the key was first given.</summary>
    [Test]
    public void DuplicateKey_AfterManyKeys_NamesTheFirstOccurrence()
    {
        string text = ManyKeys(40_000) + "lr: 0.2\n";

        var ex = Assert.Throws<ConfigException>(() => ConfigLoader.Parse(text, "many.yaml"));

        Assert.That(ex!.Message, Is.EqualTo("many.yaml:40002:1: duplicate key 'lr' (first given at line 1, column 1)"));
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
