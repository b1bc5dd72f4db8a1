if (Dfa.Cli.Bench.BenchEntry.TryHandle(args, out int benchExit))
{
    return benchExit;
}

return 0;
