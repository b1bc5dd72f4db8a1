using System.Runtime.Intrinsics;

namespace Dfa.Core.Tensors;

public static unsafe partial class Gemm
{
    // Columns per piece of a row-times-matrix product: the accumulator row (1 KB) stays in L1 while B streams past.
    private const int RowPieceColumns = 256;

    /// <summary>
    /// <c>c = α·x·B + β·c</c> for a single row x (m = 1, B not transposed): the GEMV a batch of one needs. Packing B,
    /// as the blocked path does, would copy the whole matrix to use each element once; here B streams through once,
    /// row by row, into an accumulator row. Every element is <c>fma(x_k, B[k, j], acc)</c> over k ascending from 0, on
    /// every ISA path and for any split over column pieces, so the result does not depend on the thread count.
    /// </summary>
    private static void RowTimesMatrix(in Problem p, GemmIsa isa, int threads)
    {
        int pieces = (p.N + RowPieceColumns - 1) / RowPieceColumns;
        int tasks = (int)Math.Clamp((long)p.N * p.K / MinWorkPerTask, 1, Math.Min(threads, pieces));
        if (tasks == 1)
        {
            for (int piece = 0; piece < pieces; piece++)
            {
                RowPiece(p, isa, piece);
            }

            return;
        }

        Problem q = p;
        WorkerPool.Run(pieces, tasks, piece => RowPiece(q, isa, piece));
    }

    private static void RowPiece(in Problem p, GemmIsa isa, int piece)
    {
        int j0 = piece * RowPieceColumns;
        int width = Math.Min(RowPieceColumns, p.N - j0);
        float* acc = stackalloc float[RowPieceColumns];
        new Span<float>(acc, width).Clear();
        nint xStride = p.TransA == Transpose.No ? 1 : p.Lda;
        int vectorEnd = isa == GemmIsa.Scalar ? 0 : width - (width % Vector256<float>.Count);
        for (int k = 0; k < p.K; k++)
        {
            float xk = p.A[k * xStride];
            float* row = p.B + ((nint)k * p.Ldb) + j0;
            var xv = Vector256.Create(xk);
            int j = 0;
            for (; j < vectorEnd; j += Vector256<float>.Count)
            {
                Vector256.Store(Vector256.FusedMultiplyAdd(xv, Vector256.Load(row + j), Vector256.Load(acc + j)), acc + j);
            }

            for (; j < width; j++)
            {
                acc[j] = MathF.FusedMultiplyAdd(xk, row[j], acc[j]);
            }
        }

        float* c = p.C + j0;
        for (int j = 0; j < width; j++)
        {
            c[j] = p.Beta == 0f ? p.Alpha * acc[j] : (p.Alpha * acc[j]) + (p.Beta * c[j]);
        }
    }
}
