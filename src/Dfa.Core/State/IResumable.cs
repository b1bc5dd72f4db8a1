namespace Dfa.Core.State;

/// <summary>
/// A part of a run whose hidden state moves during training (a random stream, a step counter, optimizer moments) and
/// must travel in a checkpoint so that a resumed run takes the same steps, bit for bit, as one never interrupted.
/// Implementations write under <c>prefix</c> and read back exactly what they wrote.
/// </summary>
public interface IResumable
{
    /// <summary>Copies the state into <paramref name="state"/> under names starting with <paramref name="prefix"/>.</summary>
    void SaveState(ResumeState state, string prefix);

    /// <summary>Replaces the state with the one saved under <paramref name="prefix"/>.</summary>
    /// <exception cref="DfaInputException">A record is missing or has the wrong length (a checkpoint of another run).</exception>
    void RestoreState(ResumeState state, string prefix);
}
