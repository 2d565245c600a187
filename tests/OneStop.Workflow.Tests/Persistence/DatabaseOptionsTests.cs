using Microsoft.Extensions.Configuration;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Tests.Persistence;

public sealed class DatabaseOptionsTests
{
    [Fact]
    public void FromConfiguration_ReadsTheDatabaseSection()
    {
        var options = DatabaseOptions.FromConfiguration(Configuration(new()
        {
            ["Database:Provider"] = "PostgreSQL",
            ["Database:ConnectionString"] = "Host=db;Database=onestop",
            ["Database:SqliteSynchronousFull"] = "false",
        }));

        Assert.Equal(new DatabaseOptions("PostgreSQL", "Host=db;Database=onestop", false), options);
        Assert.True(options.IsPostgreSql);
    }

    [Fact]
    public void FromConfiguration_AnUnknownProvider_NamesTheSettingAndTheAllowedValues()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseOptions.FromConfiguration(Configuration(new()
        {
            ["Database:Provider"] = "Oracle",
            ["Database:ConnectionString"] = "x",
        })));

        Assert.Equal("Configuration 'Database:Provider' is 'Oracle'; it must be 'Sqlite' or 'PostgreSQL'.", error.Message);
    }

    [Fact]
    public void FromConfiguration_WithoutAConnectionString_SaysWhatToSet()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseOptions.FromConfiguration(Configuration(new())));

        Assert.Contains("'Database:ConnectionString' is missing", error.Message);
    }

    [Fact]
    public void RepositoryAppSettings_SelectEmbeddedSqliteUnderData()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "OneStop.Workflow.sln"))) root = root.Parent;
        Assert.NotNull(root);

        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(root.FullName, "appsettings.json")).Build();
        var options = DatabaseOptions.FromConfiguration(configuration);

        Assert.Equal(new DatabaseOptions("Sqlite", "Data Source=data/onestop.db"), options);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
