using System.Runtime.InteropServices;

namespace Dfa.Runs.Bench;

/// <summary>
/// Late-bound OpenBLAS (<c>libopenblas.so.0</c>): the product never depends on it; the bench uses it as a baseline
/// when it is installed.
/// </summary>
internal static unsafe class OpenBlas
{
    public const string NotFoundMessage = "OpenBLAS not found (install Debian's libopenblas0-pthread)";

    private const int RowMajor = 101;
    private const int NoTrans = 111;
    private const int Trans = 112;

    private static readonly string[] Candidates = ["libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll"];

    private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static delegate* unmanaged<int, void> s_setNumThreads;
    private static delegate* unmanaged<byte*> s_getCorename;

    /// <summary>Loads the library once; returns <see langword="false"/> with a reason when it is missing.</summary>
    public static bool TryLoad(out string error)
    {
        if (s_sgemm != null)
        {
            error = string.Empty;
            return true;
        }

        foreach (string name in Candidates)
        {
            if (!NativeLibrary.TryLoad(name, out nint handle))
            {
                continue;
            }

            if (!NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm))
            {
                error = $"{name} has no cblas_sgemm export";
                return false;
            }

            if (NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint set))
            {
                s_setNumThreads = (delegate* unmanaged<int, void>)set;
            }

            if (NativeLibrary.TryGetExport(handle, "openblas_get_corename", out nint core))
            {
                s_getCorename = (delegate* unmanaged<byte*>)core;
            }

            s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
            error = string.Empty;
            return true;
        }

        error = NotFoundMessage;
        return false;
    }

    public static void SetNumThreads(int threads)
    {
        if (s_setNumThreads != null)
        {
            s_setNumThreads(threads);
        }
    }

    /// <summary>The kernel family OpenBLAS picked for this CPU (e.g. <c>Zen</c>, <c>Haswell</c>, <c>SkylakeX</c>).</summary>
    public static string Corename() =>
        s_getCorename == null ? "unknown" : Marshal.PtrToStringAnsi((nint)s_getCorename()) ?? "unknown";

    /// <summary>Row-major <c>cblas_sgemm</c>: <c>C = α·op(A)·op(B) + β·C</c>.</summary>
    public static void Sgemm(
        bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        if (s_sgemm == null)
        {
            throw new InvalidOperationException(NotFoundMessage);
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            s_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
        }
    }
}
