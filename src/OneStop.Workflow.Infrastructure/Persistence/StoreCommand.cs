using System.Data.Common;
using System.Text;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>
/// Statements that the store writes itself: the reads and the write of an engine command, the hot path. A task row is
/// upserted without being read first, and rows of one table go in one multi-row INSERT. The SQL used (multi-row VALUES,
/// INSERT ... ON CONFLICT ... DO UPDATE with excluded, LIMIT) means the same on SQLite and PostgreSQL, and every value
/// is a parameter made by the model's type mapping (see <see cref="StoreColumn"/>).
/// Each statement keeps its own parameters: Microsoft.Data.Sqlite binds every parameter of a command to every statement
/// in it, which made one many-statement command slower than several commands. Where the provider can batch commands
/// (PostgreSQL), they still go in one round trip.
/// </summary>
internal sealed class StoreCommand(StoreSession session, DbTransaction? transaction = null) : IAsyncDisposable
{
    // Larger inserts and deletes are split. SQLite looks a parameter up by name with a linear search, so binding costs
    // the square of a statement's parameters: beyond about a thousand that outweighs one statement more.
    private const int MaxParametersPerStatement = 1_000;

    private readonly StoreTables _tables = session.Tables;
    private readonly List<(string Text, List<DbParameter> Parameters)> _statements = [];
    private readonly StringBuilder _text = new();
    private List<DbParameter> _parameters = [];
    private DbCommand? _ownedReading;

    /// <summary>SELECT every column of <typeparamref name="TRow"/> where each (property, value) matches.</summary>
    public StoreCommand Select<TRow>(params (string Property, object? Value)[] where) where TRow : class
    {
        var table = _tables.Of<TRow>();
        _text.Append(table.SelectAll);
        return Where(table, where);
    }

    /// <summary>SELECT some columns of <typeparamref name="TRow"/>, in the order given, where each (property, value) matches.</summary>
    public StoreCommand Select<TRow>(IReadOnlyList<string> properties, params (string Property, object? Value)[] where) where TRow : class
    {
        var table = _tables.Of<TRow>();
        _text.Append("SELECT ").AppendJoin(", ", properties.Select(p => table.Column(p).Name)).Append(" FROM ").Append(table.Name);
        return Where(table, where);
    }

    /// <summary>WHERE <paramref name="property"/> = (SELECT <paramref name="otherProperty"/> FROM <typeparamref name="TOther"/>
    /// where each (property, value) matches): one round trip instead of two.</summary>
    public StoreCommand WhereEqualsSelected<TRow, TOther>(string property, string otherProperty, params (string Property, object? Value)[] where)
        where TRow : class where TOther : class
    {
        var other = _tables.Of<TOther>();
        _text.Append(" WHERE ").Append(_tables.Of<TRow>().Column(property).Name)
            .Append(" = (SELECT ").Append(other.Column(otherProperty).Name).Append(" FROM ").Append(other.Name);
        Where(other, where);
        _text.Append(')');
        return this;
    }

    public StoreCommand OrderByDescending<TRow>(string property) where TRow : class
    {
        _text.Append(" ORDER BY ").Append(_tables.Of<TRow>().Column(property).Name).Append(" DESC");
        return this;
    }

    public StoreCommand Limit(int count)
    {
        _text.Append(" LIMIT ").Append(count);
        return this;
    }

    public void Insert<TRow>(IReadOnlyList<TRow> rows) where TRow : class => Insert(rows, upsert: false);

    /// <summary>Inserts each row, or updates every other column of the row with the same key.</summary>
    public void Upsert<TRow>(IReadOnlyList<TRow> rows) where TRow : class => Insert(rows, upsert: true);

    /// <summary>UPDATE of <paramref name="properties"/> from <paramref name="row"/> where each (property, value) of
    /// <paramref name="where"/> matches.</summary>
    public void Update<TRow>(TRow row, IReadOnlyList<string> properties, params (string Property, object? Value)[] where) where TRow : class
    {
        var table = _tables.Of<TRow>();
        _text.Append("UPDATE ").Append(table.Name).Append(" SET ");
        for (var i = 0; i < properties.Count; i++)
        {
            var column = table.Column(properties[i]);
            if (i > 0) _text.Append(", ");
            _text.Append(column.Name).Append(" = ");
            Parameter(column, column.Getter.GetClrValue(row));
        }
        Where(table, where).EndStatement();
    }

    /// <summary>DELETE of the rows of one instance whose <paramref name="idProperty"/> is one of <paramref name="ids"/>.</summary>
    public void Delete<TRow>(string instanceProperty, Guid instanceId, string idProperty, IReadOnlyList<Guid> ids) where TRow : class
    {
        var table = _tables.Of<TRow>();
        var id = table.Column(idProperty);
        for (var start = 0; start < ids.Count; start += MaxParametersPerStatement)
        {
            _text.Append("DELETE FROM ").Append(table.Name);
            Where(table, [(instanceProperty, instanceId)]);
            _text.Append(" AND ").Append(id.Name).Append(" IN (");
            var end = Math.Min(ids.Count, start + MaxParametersPerStatement);
            for (var i = start; i < end; i++)
            {
                if (i > start) _text.Append(", ");
                Parameter(id, ids[i]);
            }
            _text.Append(')');
            EndStatement();
        }
    }

    /// <summary>Runs every statement, in order; returns the number of rows they changed.</summary>
    public async Task<int> ExecuteNonQueryAsync(CancellationToken ct)
    {
        EndStatement();
        if (_statements.Count == 0) return 0;
        if (_statements.Count > 1 && session.Connection.CanCreateBatch)
        {
            await using var batch = session.Connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var (text, parameters) in _statements)
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = text;
                foreach (var parameter in parameters) command.Parameters.Add(parameter);
                batch.BatchCommands.Add(command);
            }
            return await batch.ExecuteNonQueryAsync(ct);
        }
        var changed = 0;
        foreach (var (text, parameters) in _statements)
        {
            var command = session.Command(text, parameters, transaction, out var owned);
            try
            {
                changed += await command.ExecuteNonQueryAsync(ct);
            }
            finally
            {
                if (owned) await command.DisposeAsync();
            }
        }
        return changed;
    }

    /// <summary>Runs the one statement (a SELECT). Dispose the reader before this.</summary>
    public async Task<DbDataReader> ExecuteReaderAsync(CancellationToken ct)
    {
        EndStatement();
        if (_statements.Count != 1) throw new InvalidOperationException($"A reader runs one statement, not {_statements.Count}.");
        var command = session.Command(_statements[0].Text, _statements[0].Parameters, transaction, out var owned);
        if (owned) _ownedReading = command;
        return await command.ExecuteReaderAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownedReading is not null) await _ownedReading.DisposeAsync();
    }

    private void Insert<TRow>(IReadOnlyList<TRow> rows, bool upsert) where TRow : class
    {
        if (rows.Count == 0) return;
        var table = _tables.Of<TRow>();
        var rowsPerStatement = Math.Max(1, MaxParametersPerStatement / table.Columns.Length);
        for (var start = 0; start < rows.Count; start += rowsPerStatement)
        {
            _text.Append(table.InsertInto);
            var end = Math.Min(rows.Count, start + rowsPerStatement);
            for (var r = start; r < end; r++)
            {
                _text.Append(r > start ? ", (" : "(");
                for (var c = 0; c < table.Columns.Length; c++)
                {
                    if (c > 0) _text.Append(", ");
                    Parameter(table.Columns[c], table.Columns[c].Getter.GetClrValue(rows[r]));
                }
                _text.Append(')');
            }
            if (upsert) _text.Append(table.OnConflictUpdate);
            EndStatement();
        }
    }

    private StoreCommand Where(StoreTable table, (string Property, object? Value)[] where)
    {
        for (var i = 0; i < where.Length; i++)
        {
            var column = table.Column(where[i].Property);
            _text.Append(i == 0 ? " WHERE " : " AND ").Append(column.Name).Append(" = ");
            Parameter(column, where[i].Value);
        }
        return this;
    }

    private void Parameter(StoreColumn column, object? value)
    {
        var (name, placeholder) = _tables.ParameterName(_parameters.Count);
        _parameters.Add(column.Parameter(session.ParameterFactory, name, value));
        _text.Append(placeholder);
    }

    private void EndStatement()
    {
        if (_text.Length == 0) return;
        _statements.Add((_text.ToString(), _parameters));
        _text.Clear();
        _parameters = [];
    }
}
