namespace OneStop.Workflow.Tests;

/// <summary>Paths inside the repository, found from the test assembly's folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Workflows => Path.Combine(Root, "workflows");

    public static string Scenario(string key) => Path.Combine(Workflows, key, "scenario.bpmn");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OneStop.Workflow.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No OneStop.Workflow.sln above {AppContext.BaseDirectory}.");
    }
}
