using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace OneStop.Workflow.Infrastructure.Persistence;

/// <summary>
/// The tables and columns of the EF model, for the statements the store writes itself (see <see cref="StoreCommand"/>).
/// Names, keys and value conversions all come from the model, so hand-written SQL cannot drift from what EF and the
/// migrations define.
/// </summary>
internal sealed class StoreTables(IModel model, ISqlGenerationHelper sql)
{
    private readonly ConcurrentDictionary<Type, StoreTable> _tables = new();

    // Statements rarely need more parameters than this; names past it are made when asked for.
    private readonly (string Name, string Placeholder)[] _parameters = Enumerable.Range(0, 256).Select(i => Parameter(sql, i)).ToArray();

    /// <summary>The name of the parameter at <paramref name="index"/> of a statement, and how the SQL refers to it.</summary>
    public (string Name, string Placeholder) ParameterName(int index) =>
        index < _parameters.Length ? _parameters[index] : Parameter(sql, index);

    public StoreTable Of<TRow>() where TRow : class =>
        _tables.GetOrAdd(typeof(TRow), static (type, state) => StoreTable.Of(state.model, type, state.sql), (model, sql));

    private static (string, string) Parameter(ISqlGenerationHelper sql, int index)
    {
        var name = sql.GenerateParameterName($"p{index}");
        return (name, sql.GenerateParameterNamePlaceholder(name));
    }
}

internal sealed class StoreTable
{
    private readonly Dictionary<string, int> _ordinals;

    private StoreTable(string name, StoreColumn[] columns)
    {
        Name = name;
        Columns = columns;
        _ordinals = columns.Select((c, i) => (c.Property, i)).ToDictionary(c => c.Property, c => c.i);
        var list = string.Join(", ", columns.Select(c => c.Name));
        SelectAll = $"SELECT {list} FROM {name}";
        InsertInto = $"INSERT INTO {name} ({list}) VALUES ";
        OnConflictUpdate = $" ON CONFLICT ({string.Join(", ", columns.Where(c => c.IsKey).Select(c => c.Name))}) DO UPDATE SET " +
                           string.Join(", ", columns.Where(c => !c.IsKey).Select(c => $"{c.Name} = excluded.{c.Name}"));
    }

    /// <summary>The delimited table name.</summary>
    public string Name { get; }

    /// <summary>Every mapped column, in the order that <see cref="SelectAll"/> and <see cref="InsertInto"/> list them.</summary>
    public StoreColumn[] Columns { get; }

    public string SelectAll { get; }

    /// <summary>INSERT of every column, up to VALUES.</summary>
    public string InsertInto { get; }

    /// <summary>Turns an INSERT into an upsert: on a key conflict, every other column is updated.</summary>
    public string OnConflictUpdate { get; }

    public StoreColumn Column(string property) => Columns[Ordinal(property)];

    /// <summary>Reads <paramref name="property"/> from a row selected with <see cref="SelectAll"/>.</summary>
    public T Read<T>(DbDataReader reader, string property)
    {
        var ordinal = Ordinal(property);
        return Columns[ordinal].Read<T>(reader, ordinal);
    }

    private int Ordinal(string property) =>
        _ordinals.TryGetValue(property, out var ordinal) ? ordinal : throw new ArgumentException($"Table {Name} maps no property {property}.", nameof(property));

    public static StoreTable Of(IModel model, Type type, ISqlGenerationHelper sql)
    {
        var entity = model.FindEntityType(type) ?? throw new ArgumentException($"{type.Name} is not an entity of the model.", nameof(type));
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Select(p => new StoreColumn(
                sql.DelimitIdentifier(p.GetColumnName(table)!), p.Name, p.GetRelationalTypeMapping(), p.GetGetter(), p.IsNullable, p.IsPrimaryKey()))
            .ToArray();
        return new StoreTable(sql.DelimitIdentifier(table.Name, table.Schema), columns);
    }
}

/// <param name="Name">The delimited column name.</param>
/// <param name="Property">The row property it maps.</param>
internal sealed record StoreColumn(string Name, string Property, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool IsNullable, bool IsKey)
{
    /// <summary>A parameter holding <paramref name="value"/> as the column stores it: the mapping converts it (UTC ticks,
    /// enum names) and sets the provider type (a Guid as upper-case TEXT on SQLite, uuid on PostgreSQL).</summary>
    public DbParameter Parameter(DbCommand command, string name, object? value) => Mapping.CreateParameter(command, name, value, IsNullable);

    /// <summary>The column's value at <paramref name="ordinal"/>, converted back as EF would.</summary>
    public T Read<T>(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal)) return default!;
        return Mapping.Converter is { } converter
            ? (T)converter.ConvertFromProvider(reader.GetValue(ordinal))!
            : reader.GetFieldValue<T>(ordinal);
    }
}
