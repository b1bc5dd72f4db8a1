using Dfa.Core;

namespace Dfa.Runs.Sharding;

/// <summary>One shard folder given to <c>dfa merge</c> and its manifest.</summary>
public sealed record ShardFolder(string Path, ShardManifest Manifest);

/// <summary>
/// The shard folders of one grid, checked to be complete: every manifest names the same command, grid hash and
/// <c>n</c>, every shard <c>1..n</c> is present exactly once, and each holds exactly the items
/// <see cref="ShardSpec"/> assigns it. Anything else is one input error naming the folders at fault.
/// </summary>
public sealed class ShardSet
{
    private ShardSet(IReadOnlyList<ShardFolder> shards)
    {
        Shards = shards;
    }

    /// <summary>In shard order, 1..n.</summary>
    public IReadOnlyList<ShardFolder> Shards { get; }

    public ShardManifest First => Shards[0].Manifest;

    public int GridItems => First.GridItems;

    /// <summary>The folder holding item <paramref name="k"/>.</summary>
    public ShardFolder Holder(int k) => Shards[k % Shards.Count];

    /// <exception cref="DfaInputException">A folder is not a finished shard, or the set is mismatched, duplicated or incomplete.</exception>
    public static ShardSet Load(IReadOnlyList<string> folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        if (folders.Count == 0)
        {
            throw new DfaInputException("dfa merge needs the shard folders to merge");
        }

        ShardFolder[] all = folders.Select(f => new ShardFolder(f, ShardManifest.Read(f))).ToArray();
        ShardFolder first = all[0];
        foreach (ShardFolder s in all.Skip(1))
        {
            ShardManifest a = first.Manifest, b = s.Manifest;
            if (a.Command != b.Command || a.GridHash != b.GridHash || a.Shard.Count != b.Shard.Count)
            {
                throw new DfaInputException(
                    $"'{s.Path}' is shard {b.Shard} of {b.Command} grid {Short(b.GridHash)}, but '{first.Path}' is shard {a.Shard} of {a.Command} grid {Short(a.GridHash)}: not shards of the same run");
            }
        }

        int n = first.Manifest.Shard.Count;
        var byIndex = new ShardFolder?[n];
        foreach (ShardFolder s in all)
        {
            int i = s.Manifest.Shard.Index;
            if (byIndex[i - 1] is { } other)
            {
                throw new DfaInputException($"shard {s.Manifest.Shard} is given twice: '{other.Path}' and '{s.Path}'");
            }

            byIndex[i - 1] = s;
        }

        int[] missing = Enumerable.Range(1, n).Where(i => byIndex[i - 1] is null).ToArray();
        if (missing.Length > 0)
        {
            string list = string.Join(", ", missing.Take(10).Select(i => $"{i}/{n}")) + (missing.Length > 10 ? $" and {missing.Length - 10} more" : "");
            throw new DfaInputException($"missing shard{(missing.Length > 1 ? "s" : "")} {list} of grid {Short(first.Manifest.GridHash)}: every shard 1..{n} must be given once");
        }

        foreach (ShardFolder s in all)
        {
            if (!s.Manifest.Items.SequenceEqual(s.Manifest.Shard.Items(s.Manifest.GridItems)))
            {
                throw new DfaInputException($"'{s.Path}': its {ShardManifest.FileName} lists items that shard {s.Manifest.Shard} of {s.Manifest.GridItems} does not hold");
            }
        }

        return new ShardSet(byIndex.Select(s => s!).ToArray());
    }

    /// <summary>Enough of a hash to tell grids apart in a message.</summary>
    public static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
