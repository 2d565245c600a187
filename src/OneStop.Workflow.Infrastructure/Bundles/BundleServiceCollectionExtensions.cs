using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OneStop.Workflow.Infrastructure.Bundles;

namespace OneStop.Workflow.Infrastructure;

public static partial class InfrastructureServiceCollectionExtensions
{
    /// <summary>Registers the seal key (configuration "Seal:KeyPath", generated on first use outside the repository),
    /// the bundle fonts ("Bundles:Fonts") and an <see cref="OutcomeBundleWriter"/>, all singletons. The key file is
    /// read (or created) when first resolved; resolve <see cref="SealKey"/> at startup to fail early and to log
    /// <see cref="SealKey.WasCreated"/> with its <see cref="SealKey.KeyId"/>.</summary>
    public static IServiceCollection AddOutcomeBundles(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var fonts = BundleFontOptions.FromConfiguration(configuration);
        var keyPath = SealKey.ResolvePath(configuration);
        services.AddSingleton(fonts);
        services.AddSingleton(_ => SealKey.LoadOrCreate(keyPath));
        services.AddSingleton(provider => new OutcomeBundleWriter(provider.GetRequiredService<SealKey>(), fonts));
        return services;
    }
}
