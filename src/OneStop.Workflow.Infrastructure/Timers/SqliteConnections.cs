using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using OneStop.Workflow.Infrastructure.Persistence;

namespace OneStop.Workflow.Infrastructure.Timers;

/// <summary>
/// Microsoft.Data.Sqlite for Quartz, with the settings every other connection to the database file gets
/// (<see cref="SqliteSettings"/>): above all busy_timeout, without which Quartz's writes would fail or sleep in 150 ms
/// steps whenever an engine command holds the write lock.
/// </summary>
internal sealed class SqliteConnections(bool synchronousFull) : DbProviderFactory
{
    public override DbConnection CreateConnection()
    {
        var connection = new SqliteConnection();
        connection.StateChange += (sender, change) =>
        {
            if (change.CurrentState == ConnectionState.Open)
                SqliteSettings.EnsureApplied((DbConnection)sender!, synchronousFull);
        };
        return connection;
    }

    public override DbCommand CreateCommand() => SqliteFactory.Instance.CreateCommand();

    public override DbParameter CreateParameter() => SqliteFactory.Instance.CreateParameter();

    public override DbConnectionStringBuilder CreateConnectionStringBuilder() => SqliteFactory.Instance.CreateConnectionStringBuilder();
}
