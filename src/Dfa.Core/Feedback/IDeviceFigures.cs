namespace Dfa.Core.Feedback;

/// <summary>
/// A hardware profile's figures by dotted name (e.g. <c>optical.dmd_pixels</c>), as a backend may read them in
/// <see cref="IFeedbackBackend.OnDevice"/> to take its device's geometry from the profile it is priced on. Backends
/// never see prices or profile types, only these named numbers.
/// </summary>
public interface IDeviceFigures
{
    /// <summary>The profile's name.</summary>
    string Name { get; }

    /// <summary>The figure named <paramref name="key"/>, or null when the profile does not give it.</summary>
    double? Find(string key);

    /// <summary>Whether the profile lists the capability <paramref name="name"/> (as profiles spell it, e.g. <c>graded_spikes</c>).</summary>
    bool HasCapability(string name);
}
