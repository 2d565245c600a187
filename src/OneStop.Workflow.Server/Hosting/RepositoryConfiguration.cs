namespace OneStop.Workflow.Server.Hosting;

/// <summary>
/// Finds THE configuration file, appsettings.json at the repository root: in the content root when the server runs from
/// there, else in the nearest folder above that holds OneStop.Workflow.sln (the server started from its project folder,
/// or hosted by tests), else the folder named by ONESTOP_CONFIG_DIR. Environment variables and the command line still
/// override it.
/// </summary>
internal static class RepositoryConfiguration
{
    public const string ConfigDirectoryVariable = "ONESTOP_CONFIG_DIR";

    public static string Add(WebApplicationBuilder builder)
    {
        var root = Find(builder.Environment.ContentRootPath);
        if (!string.Equals(Path.GetFullPath(root), Path.GetFullPath(builder.Environment.ContentRootPath), StringComparison.Ordinal))
        {
            // Inserted first, so that sources added later (environment, command line, tests) override the file.
            var sources = builder.Configuration.Sources;
            var fileSource = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = Path.Combine(root, "appsettings.json"),
                Optional = false,
                ReloadOnChange = false,
            };
            fileSource.ResolveFileProvider();
            var environmentSource = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
            {
                Path = Path.Combine(root, $"appsettings.{builder.Environment.EnvironmentName}.json"),
                Optional = true,
                ReloadOnChange = false,
            };
            environmentSource.ResolveFileProvider();
            sources.Insert(0, environmentSource);
            sources.Insert(0, fileSource);
        }
        // The same override the CLI reads: ONESTOP_Database__ConnectionString=...
        builder.Configuration.AddEnvironmentVariables("ONESTOP_");
        return root;
    }

    private static string Find(string contentRoot)
    {
        if (Environment.GetEnvironmentVariable(ConfigDirectoryVariable) is { Length: > 0 } configured)
            return Path.GetFullPath(configured);
        if (File.Exists(Path.Combine(contentRoot, "appsettings.json")))
            return contentRoot;
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneStop.Workflow.sln")) && File.Exists(Path.Combine(dir.FullName, "appsettings.json")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"No appsettings.json in {contentRoot} or above it next to OneStop.Workflow.sln; run the server from the repository root or set {ConfigDirectoryVariable}.");
    }
}
