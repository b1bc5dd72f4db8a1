using Dfa.Backends.Binary;
using Dfa.Backends.Crossbar;
using Dfa.Backends.Dense;
using Dfa.Backends.Optical;
using Dfa.Backends.Sparse;
using Dfa.Backends.Spiking;
using Dfa.Backends.Unified;
using Dfa.Core.Feedback;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Registry;

/// <summary>Registers feedback backends in a <see cref="IServiceCollection"/>.</summary>
public static class FeedbackServiceCollectionExtensions
{
    /// <summary>Adds every built-in backend and the <see cref="FeedbackBackendRegistry"/>.</summary>
    public static IServiceCollection AddFeedbackBackends(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddFeedbackBackend<DenseBackend>();
        services.AddFeedbackBackend<UnifiedBackend>();
        services.AddFeedbackBackend<SparseBackend>();
        services.AddFeedbackBackend<BinaryBackend>();
        services.AddFeedbackBackend<OpticalBackend>();
        services.AddFeedbackBackend<CrossbarBackend>();
        services.AddFeedbackBackend<SpikingBackend>();
        services.AddSingleton<FeedbackBackendRegistry>();
        return services;
    }

    /// <summary>Adds one backend, built-in or a user's own; it is then selectable by its <see cref="IFeedbackBackend.Name"/>.</summary>
    public static IServiceCollection AddFeedbackBackend<TBackend>(this IServiceCollection services)
        where TBackend : class, IFeedbackBackend
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IFeedbackBackend, TBackend>();
        return services;
    }
}
