using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dfa.Core.Tensors;

public static unsafe partial class Gemm
{
    // KC: every extra k slice reads and rewrites all of C, which on the MLP shapes (m = 128) cost more than the
    // L1 misses of a deep slice; a 1024×16 B micro-panel (64 KB) streams from L2, which on Zen delivers 32 B/cycle
    // against the ~15 B/cycle the 6×16 kernel consumes. Measured on the bench shapes against KC = 256 and 512.
    // MC: an MC×KC packed A block (384 KB) stays in a 512 KB L2 beside the streaming B micro-panel.
    // NC: a KC×NC packed B block lives in L3; a multiple of every NR.
    private const int KC = 1024;

    /// <summary>The deepest k slice: a product with k up to this is one slice, so its rounding is one dot product per element.</summary>
    internal const int MaxSliceWidth = KC;
    private const int MC = 96;
    private const int NC = 2048;

    // A task goes to a WorkerPool thread that is usually still spinning from the previous fork-join (a few µs to
    // hand over, against tens of µs to wake a .NET thread-pool worker), so 256 K multiply-adds (~6 µs) pay for it.
    private const long MinWorkPerTask = 1L << 18;

    // Chunks are taken dynamically, so the last one decides how long the other thread idles at the join: many small
    // chunks (two panels wide at least) keep that under ~8 % of the MLP's 800-wide products.
    private const int ChunksPerTask = 8;
    private const int MinChunkPanels = 2;

    [ThreadStatic]
    private static float[]? t_packA;

    [ThreadStatic]
    private static float[]? t_packB;

    [ThreadStatic]
    private static float[]? t_shared;

    [ThreadStatic]
    private static int[]? t_portionState;

    // 1 M floats (4 MB, well inside L3): past this the operand is so deep in k or wide that repacking it per
    // chunk costs a negligible share of the multiply-adds, and the shared copy would only spill to DRAM.
    private const long SharedPackLimit = 1L << 20;

    /// <summary>Test hook: forces the micro-kernel path. <see langword="null"/> picks the best the hardware runs.</summary>
    internal static GemmIsa? ForcedIsa { get; set; }

    /// <summary>The path <see cref="Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/> takes on this machine.</summary>
    internal static GemmIsa BestIsa { get; } =
        Vector512.IsHardwareAccelerated ? GemmIsa.Vector512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmIsa.Vector256
        : GemmIsa.Scalar;

    /// <summary>The micro-kernel this machine runs, for bench and report headers (e.g. <c>Vector256 6×16 FMA</c>).</summary>
    public static string KernelDescription => BestIsa switch
    {
        GemmIsa.Vector512 => "Vector512 6×32 FMA",
        GemmIsa.Vector256 => "Vector256 6×16 FMA",
        _ => "scalar 4×4",
    };

    private readonly struct Problem(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int sliceWidth = 0)
    {
        public readonly Transpose TransA = transA;
        public readonly Transpose TransB = transB;
        public readonly int M = m;
        public readonly int N = n;
        public readonly int K = k;
        public readonly float Alpha = alpha;
        public readonly float* A = a;
        public readonly int Lda = lda;
        public readonly float* B = b;
        public readonly int Ldb = ldb;
        public readonly float Beta = beta;
        public readonly float* C = c;
        public readonly int Ldc = ldc;

        /// <summary>KC of every slice but the last: <see cref="SliceWidth"/> of k, or the width a caller forced.</summary>
        public readonly int SliceK = sliceWidth > 0 ? sliceWidth : SliceWidth(k);
    }

    private static void Run(in Problem p, int threads)
    {
        GemmIsa isa = ForcedIsa ?? BestIsa;
        if (p.M == 1 && p.TransB == Transpose.No && p.SliceK == SliceWidth(p.K))
        {
            RowTimesMatrix(p, isa, threads);
            return;
        }

        (int mr, int nr) = isa switch
        {
            GemmIsa.Vector512 => (6, 32),
            GemmIsa.Vector256 => (6, 16),
            _ => (4, 4),
        };

        long work = (long)p.M * p.N * p.K;
        int tasks = (int)Math.Clamp(work / MinWorkPerTask, 1, threads);

        // Split the dimension whose packing is cheaper to repeat: every N-chunk repacks all of A (m·k), every
        // M-chunk repacks all of B (k·n). Any split gives the same bits: an element's sum depends only on the
        // KC slicing of k, which is fixed by k alone, and edge tiles run the same kernel through a scratch tile.
        bool splitN = p.N >= p.M;
        int extent = splitN ? p.N : p.M;
        int align = splitN ? nr : mr;

        // Several chunks per worker, taken dynamically: on a shared machine one worker often starts late or loses
        // its core for a while, and the others then take over its chunks instead of waiting for it.
        int chunk = Math.Max(RoundUp((extent + (tasks * ChunksPerTask) - 1) / (tasks * ChunksPerTask), align), MinChunkPanels * align);
        int chunks = (extent + chunk - 1) / chunk;
        tasks = Math.Min(tasks, chunks);

        if (tasks == 1)
        {
            RunBlock(p, isa, mr, nr, 0, p.M, 0, p.N, null, null);
            return;
        }

        // The operand every chunk would repack (all of A for N-chunks, all of B for M-chunks) is packed once into
        // a buffer of the calling thread and shared read-only. It is cut into portions (one per slice and task);
        // each task packs its own portions, then claims any portion nobody has started and waits only for portions
        // another task is packing right now. So there is one fork-join per call, and no task ever waits for a task
        // that has not started (the pool may run them one after another). Who packs a portion does not change
        // its bits. Past SharedPackLimit the repacking is a negligible share of the work and not worth the memory.
        int kcMax = p.SliceK;
        int shared = RoundUp(splitN ? p.M : p.N, splitN ? mr : nr);
        nint sharedAddress = 0;
        int slices = (p.K + kcMax - 1) / kcMax;
        int portionRows = RoundUp((shared + tasks - 1) / tasks, splitN ? mr : nr);
        int[]? portionState = null;
        if ((long)shared * p.K <= SharedPackLimit)
        {
            sharedAddress = (nint)Rent(ref t_shared, shared * p.K);
            portionState = t_portionState is { } states && states.Length >= slices * tasks ? states : new int[slices * tasks];
            t_portionState = portionState;
            Array.Clear(portionState, 0, slices * tasks);
        }

        Problem q = p;
        WorkerPool.Run(chunks, threads, t =>
        {
            if (portionState is not null)
            {
                for (int s = 0; s < slices; s++)
                {
                    EnsurePacked(q, splitN, mr, nr, kcMax, shared, portionRows, tasks, (float*)sharedAddress, portionState, (s * tasks) + (t % tasks));
                }

                for (int u = 0; u < slices * tasks; u++)
                {
                    EnsurePacked(q, splitN, mr, nr, kcMax, shared, portionRows, tasks, (float*)sharedAddress, portionState, u);
                }
            }

            int lo = t * chunk;
            int hi = Math.Min(extent, lo + chunk);
            if (splitN)
            {
                RunBlock(q, isa, mr, nr, 0, q.M, lo, hi, (float*)sharedAddress, null);
            }
            else
            {
                RunBlock(q, isa, mr, nr, lo, hi, 0, q.N, null, (float*)sharedAddress);
            }
        });
    }

    /// <summary>
    /// Makes sure portion <paramref name="u"/> of the shared packed operand is ready: packs it if unclaimed
    /// (state 0 → 1 → 2), else waits for the task packing it. The release write of 2 publishes the packed data.
    /// </summary>
    private static void EnsurePacked(
        in Problem p, bool splitN, int mr, int nr, int kcMax, int shared, int portionRows, int tasks, float* dst, int[] state, int u)
    {
        if (Interlocked.CompareExchange(ref state[u], 1, 0) != 0)
        {
            // Never Thread.Sleep(1) (SpinOnce's default after 20 spins): a portion takes µs to pack, and a 1 ms sleep
            // made a 2-thread 128×800×10 product 9× slower than on one thread.
            var spin = default(SpinWait);
            while (Volatile.Read(ref state[u]) != 2)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            return;
        }

        int pc = u / tasks * kcMax;
        int kc = Math.Min(kcMax, p.K - pc);
        int lo = u % tasks * portionRows;
        int count = Math.Min(splitN ? p.M : p.N, lo + portionRows) - lo;
        if (count > 0)
        {
            float* d = dst + ((nint)pc * shared) + ((nint)lo * kc);
            if (splitN)
            {
                PackA(p.TransA, p.A, p.Lda, lo, count, pc, kc, mr, d);
            }
            else
            {
                PackB(p.TransB, p.B, p.Ldb, pc, kc, lo, count, nr, d);
            }
        }

        Volatile.Write(ref state[u], 2);
    }

    // Equal KC slices (2100 → 3×700 rather than 2×1024 + 52) keep the last slice from running a short, store-bound
    // micro-kernel. The slicing depends on k alone, which is what makes results independent of the thread count.
    private static int SliceWidth(int k)
    {
        int slices = (k + KC - 1) / KC;
        return (k + slices - 1) / slices;
    }

    /// <summary>
    /// Computes rows [m0, m1) × columns [n0, n1) of C on the calling thread. <paramref name="sharedA"/> (all of
    /// op(A), m0 = 0) or <paramref name="sharedB"/> (all of op(B), n0 = 0), when not null, hold the operand already
    /// packed slice by slice: slice pc starts at <c>pc·rowsPadded</c> and its panel for row (column) r at <c>r·kc</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBlock(in Problem p, GemmIsa isa, int mr, int nr, int m0, int m1, int n0, int n1, float* sharedA, float* sharedB)
    {
        int kcMax = p.SliceK;
        int mcMax = Math.Min(MC, RoundUp(m1 - m0, mr));
        int ncMax = Math.Min(NC, RoundUp(n1 - n0, nr));
        float* packA = sharedA == null ? Rent(ref t_packA, mcMax * kcMax) : null;
        float* packB = sharedB == null ? Rent(ref t_packB, ncMax * kcMax) : null;
        nint mPadded = RoundUp(p.M, mr);
        nint nPadded = RoundUp(p.N, nr);
        float* tile = stackalloc float[6 * 32];

        for (int jc = n0; jc < n1; jc += NC)
        {
            int nc = Math.Min(NC, n1 - jc);
            for (int pc = 0; pc < p.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, p.K - pc);

                // Later slices accumulate onto what the first slice wrote.
                float beta = pc == 0 ? p.Beta : 1f;
                float* bBlock;
                if (sharedB == null)
                {
                    PackB(p.TransB, p.B, p.Ldb, pc, kc, jc, nc, nr, packB);
                    bBlock = packB;
                }
                else
                {
                    bBlock = sharedB + (pc * nPadded) + ((nint)jc * kc);
                }

                for (int ic = m0; ic < m1; ic += MC)
                {
                    int mc = Math.Min(MC, m1 - ic);
                    float* aBlock;
                    if (sharedA == null)
                    {
                        PackA(p.TransA, p.A, p.Lda, ic, mc, pc, kc, mr, packA);
                        aBlock = packA;
                    }
                    else
                    {
                        aBlock = sharedA + (pc * mPadded) + ((nint)ic * kc);
                    }

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel = bBlock + ((nint)jr * kc);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            float* aPanel = aBlock + ((nint)ir * kc);
                            float* c = p.C + ((nint)(ic + ir) * p.Ldc) + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                MicroKernel(isa, kc, aPanel, bPanel, c, p.Ldc, p.Alpha, beta);
                            }
                            else
                            {
                                EdgeTile(isa, kc, aPanel, bPanel, c, p.Ldc, p.Alpha, beta, rows, cols, mr, nr, tile);
                            }
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MicroKernel(GemmIsa isa, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        switch (isa)
        {
            case GemmIsa.Vector512:
                Kernel6x32(kc, a, b, c, ldc, alpha, beta);
                break;
            case GemmIsa.Vector256:
                Kernel6x16(kc, a, b, c, ldc, alpha, beta);
                break;
            default:
                Kernel4x4(kc, a, b, c, ldc, alpha, beta);
                break;
        }
    }

    /// <summary>
    /// A partial tile goes through a full-size scratch tile so that it runs exactly the arithmetic of a full one;
    /// the padded lanes of the packed panels are zero and their results are discarded.
    /// </summary>
    private static void EdgeTile(
        GemmIsa isa, int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta,
        int rows, int cols, int mr, int nr, float* tile)
    {
        for (int i = 0; i < rows; i++)
        {
            // β = 0 must not read C: the scratch tile is zeroed instead, and the kernel does not read it either.
            if (beta != 0f)
            {
                new ReadOnlySpan<float>(c + (i * ldc), cols).CopyTo(new Span<float>(tile + (i * nr), cols));
            }
        }

        MicroKernel(isa, kc, a, b, tile, nr, alpha, beta);
        for (int i = 0; i < rows; i++)
        {
            new ReadOnlySpan<float>(tile + (i * nr), cols).CopyTo(new Span<float>(c + (i * ldc), cols));
        }
    }

    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
            {
                row.Clear();
            }
            else if (beta != 1f)
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
            }
        }
    }

    /// <summary>
    /// A per-thread, pinned, 64-byte-aligned packing buffer of at least <paramref name="count"/> floats. It only
    /// grows, so steady-state calls allocate nothing.
    /// </summary>
    private static float* Rent(ref float[]? buffer, int count)
    {
        const int AlignFloats = 16;
        if (buffer is null || buffer.Length < count + AlignFloats)
        {
            buffer = GC.AllocateUninitializedArray<float>(count + AlignFloats, pinned: true);
        }

        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        return (float*)((address + 63) & ~(nint)63);
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
