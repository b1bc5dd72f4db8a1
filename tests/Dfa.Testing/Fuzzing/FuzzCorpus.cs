namespace Dfa.Testing.Fuzzing;

/// <summary>Seed corpora from the repository: the shipped configs and hardware profiles.</summary>
public static class FuzzCorpus
{
    /// <summary>Every <c>configs/**/*.yaml</c>, in path order.</summary>
    public static IReadOnlyList<FuzzSeed> Configs() => Yaml("configs");

    /// <summary>Every <c>hardware-profiles/*.yaml</c>, in path order.</summary>
    public static IReadOnlyList<FuzzSeed> Profiles() => Yaml("hardware-profiles");

    private static FuzzSeed[] Yaml(string folder)
    {
        string root = RepoPaths.Root;
        return Directory.EnumerateFiles(Path.Combine(root, folder), "*.yaml", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => new FuzzSeed(Path.GetRelativePath(root, p).Replace('\\', '/'), File.ReadAllBytes(p)))
            .ToArray();
    }
}
