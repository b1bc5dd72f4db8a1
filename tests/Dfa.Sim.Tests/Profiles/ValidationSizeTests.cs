using Dfa.Core.Yaml;
using Dfa.Sim.Profiles;

namespace Dfa.Sim.Tests.Profiles;

/// <summary>A projection validation entry too large to count its multiply-adds exactly is refused where it is written.</summary>
public sealed class ValidationSizeTests
{
    // The validation entry's mapping starts at line 22, column 5.
    private const string Profile = """
        version: 1
        name: test
        kind: digital
        description: a test profile
        clock_hz: {value: 1e9, source: s}
        cores: {value: 2, source: s}
        compute:
          fp32_flops_per_s: {value: 1e12, source: s}
          gemm_efficiency: {value: 0.7, source: s}
          gemv_efficiency: {value: 0.1, source: s}
        memory:
          - name: dram
            off_chip: true
            capacity_bytes: {value: 1e9, source: s}
            bandwidth_bytes_per_s: {value: 1e10, source: s}
            energy_j_per_byte: {value: 8e-11, source: s}
        energy:
          fp32_mac_j: {value: 4.6e-12, source: s}
          fp32_add_j: {value: 0.9e-12, source: s}
          static_w: {value: 1, source: s}
        validation:
          - name: proj
            quantity: projection_ops_per_s
            value: 1e12
            error_size: ERROR
            layer_size: LAYER
            backend: dense
            batch: BATCH
            source: a published table

        """;

    private static string Text(string error, string layer, string batch) =>
        Profile.Replace("ERROR", error, StringComparison.Ordinal).Replace("LAYER", layer, StringComparison.Ordinal).Replace("BATCH", batch, StringComparison.Ordinal);

    [TestCase("2000000000", "2000000000", "1")]
    [TestCase("100000000", "100000000", "1000")]
    public void Parse_ProjectionOfMoreThan2To53MultiplyAdds_IsRefusedAtTheEntry(string error, string layer, string batch)
    {
        var ex = Assert.Throws<ConfigException>(() => ProfileLoader.Parse(Text(error, layer, batch), "test.yaml"))!;

        Assert.That(ex.Message, Does.StartWith("test.yaml:22:5: 'validation[proj]': error_size × layer_size × batch is "));
        Assert.That(ex.Message, Does.Contain("the limit is 2^53"));
    }

    [Test]
    public void Parse_ProjectionAtTheLimit_Loads()
    {
        // 2^53 = 67108864 × 134217728 × 1 exactly.
        ValidationEntry e = ProfileLoader.Parse(Text("67108864", "134217728", "1"), "test.yaml").Validation.Single();

        Assert.That((double)e.ErrorSize * e.LayerSize, Is.EqualTo(9007199254740992.0));
    }
}
