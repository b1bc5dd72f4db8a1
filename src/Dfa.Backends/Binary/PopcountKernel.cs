using System.Numerics;

namespace Dfa.Backends.Binary;

/// <summary>
/// The ternary path's kernel: for sample b with positive set P_b and negative set N_b (bitsets over the error
/// components, <c>words</c> ulongs each) and neuron j with column bits β_j (1 where B[i, j] = −s),
/// <c>S[b, j] = (s·α_b) · ((|P_b| − |N_b|) − 2·(popcnt(P_b ∧ β_j) − popcnt(N_b ∧ β_j)))</c>. The bracket is an exact
/// integer; per word it does two popcounts and two int adds, then two more int adds and one float multiply.
/// </summary>
internal static unsafe class PopcountKernel
{
    /// <summary>Columns per inner block: their β bits stay in L1 while every sample passes over them.</summary>
    private const int BlockColumns = 16;

    public static void Run(
        ulong* positive, ulong* negative, int* balance, float* scaledAlpha, int batch, ulong* beta, int words, int n, float* signal, int colStart, int colEnd)
    {
        for (int j0 = colStart; j0 < colEnd; j0 += BlockColumns)
        {
            int j1 = Math.Min(colEnd, j0 + BlockColumns);
            for (int b = 0; b < batch; b++)
            {
                ulong* p = positive + ((long)b * words);
                ulong* m = negative + ((long)b * words);
                float* dst = signal + ((long)b * n);
                for (int j = j0; j < j1; j++)
                {
                    ulong* col = beta + ((long)j * words);
                    int acc = 0;
                    for (int w = 0; w < words; w++)
                    {
                        ulong c = col[w];
                        acc += BitOperations.PopCount(p[w] & c);
                        acc -= BitOperations.PopCount(m[w] & c);
                    }

                    dst[j] = scaledAlpha[b] * (balance[b] - acc - acc);
                }
            }
        }
    }
}
