namespace Dfa.Testing;

/// <summary>Finds files of the repository from a test's output folder.</summary>
public static class RepoPaths
{
    /// <summary>The folder that holds <c>Dfa.sln</c>, found by walking up from the test assembly.</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Dfa.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException($"No Dfa.sln above {AppContext.BaseDirectory}.");
        }
    }

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);
}
