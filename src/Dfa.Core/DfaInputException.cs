namespace Dfa.Core;

/// <summary>
/// Bad input from the user: a config, a profile, a dataset, a path. Its <see cref="Exception.Message"/> is one line
/// that says what is wrong and where (file, line and column when there is one); the CLI prints it and exits with
/// code 2, never a stack trace.
/// </summary>
public class DfaInputException : Exception
{
    public DfaInputException(string message)
        : base(message)
    {
    }

    public DfaInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
