using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Serialization;
using Dfa.Core.Training;

namespace Dfa.Testing;

/// <summary>Small networks for the model-file tests, and a way to give every tensor distinctive values.</summary>
public static class ModelTestNetworks
{
    public static TrainConfig Mlp(bool batchNorm = true, string hidden = "[8, 6]") => ConfigLoader.Parse(
        $"model: {{hidden: {hidden}, activation: tanh}}\nuse_BatchNorm1D: {(batchNorm ? "True" : "False")}\np_drop: 0.2\nthreads: 1\n", "mlp.yaml");

    public static TrainConfig Cnn(string hidden = "[16]") => ConfigLoader.Parse(
        $"model: {{input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: {hidden}, activation: relu}}\nthreads: 1\n",
        "cnn.yaml");

    public static Network BuildMlp(ulong seed, bool batchNorm = true, string hidden = "[8, 6]") =>
        NetworkBuilder.Build(Mlp(batchNorm, hidden), inputs: 5, classes: 3, seed);

    public static Network BuildCnn(ulong seed, string hidden = "[16]") => NetworkBuilder.Build(Cnn(hidden), inputs: 72, classes: 3, seed);

    /// <summary>
    /// Overwrites every tensor with seeded values (Gaussian floats with a −0, a NaN payload and an infinity mixed in,
    /// so bit-exactness is tested on awkward values; counters beyond 2³², so no narrowing to 32 bits or float passes).
    /// </summary>
    public static void Scramble(Network network, ulong seed)
    {
        var rng = new Rng(seed);
        foreach (NetworkTensor t in NetworkTensor.Of(network))
        {
            if (t.Floats is { } m)
            {
                for (int i = 0; i < m.Length; i++)
                {
                    m.Data[i] = (float)rng.NextGaussian();
                }

                m.Data[0] = -0f;
                if (m.Length > 2)
                {
                    m.Data[1] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
                    m.Data[2] = float.NegativeInfinity;
                }
            }
            else
            {
                t.Int64Value = (1L << 40) + (long)(rng.NextUInt64() % 1000);
            }
        }
    }

    /// <summary>Each tensor's name and raw bits (floats as their int32 bit patterns), in network order.</summary>
    public static List<(string Name, long[] Bits)> Bits(Network network, string? block = null) =>
        NetworkTensor.Of(network)
            .Where(t => block is null || t.Block == block)
            .Select(t => (t.Name, t.Floats is { } m ? m.Data.Select(v => (long)BitConverter.SingleToInt32Bits(v)).ToArray() : new[] { t.Int64Value }))
            .ToList();

    public static BatchNorm1d FirstBatchNorm(Network network) => network.Blocks.SelectMany(b => b.Layers).OfType<BatchNorm1d>().First();
}
