using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace OneStop.Workflow.Server.Logging;

/// <summary>Masks PRC resident ID numbers and mainland mobile phone numbers wherever they appear in text.</summary>
public static partial class PersonalData
{
    [GeneratedRegex(@"(?<![0-9A-Za-z])(\d{3})\d{14}([\dXx])(?![0-9A-Za-z])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex IdNumber();

    [GeneratedRegex(@"(?<!\d)((?:\+?86[ -]?)?1[3-9]\d)\d{4}(\d{4})(?!\d)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex MobileNumber();

    /// <summary>110105199001011234 → 110**************4; 13812345678 → 138****5678.</summary>
    public static string Mask(string text)
    {
        if (text.Length < 11)
            return text;
        try
        {
            var masked = IdNumber().Replace(text, m => m.Groups[1].Value + new string('*', 14) + m.Groups[2].Value);
            return MobileNumber().Replace(masked, m => m.Groups[1].Value + "****" + m.Groups[2].Value);
        }
        catch (RegexMatchTimeoutException)
        {
            return "[masked: text too complex to scan]";
        }
    }
}

/// <summary>Applies <see cref="PersonalData.Mask"/> to every string property of every log event, nested ones included.
/// Added in code, so configuration cannot switch it off.</summary>
public sealed class PersonalDataMaskingEnricher : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        foreach (var (name, value) in logEvent.Properties.ToList())
        {
            var masked = Mask(value);
            if (!ReferenceEquals(masked, value))
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, masked));
        }
    }

    private static LogEventPropertyValue Mask(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var masked = PersonalData.Mask(text);
                return masked == text ? value : new ScalarValue(masked);
            case SequenceValue sequence:
                var elements = sequence.Elements.Select(Mask).ToList();
                return elements.SequenceEqual(sequence.Elements) ? value : new SequenceValue(elements);
            case StructureValue structure:
                var properties = structure.Properties.Select(p => new LogEventProperty(p.Name, Mask(p.Value))).ToList();
                return properties.Select(p => p.Value).SequenceEqual(structure.Properties.Select(p => p.Value))
                    ? value : new StructureValue(properties, structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, Mask(e.Value))).ToList();
                return entries.Select(e => e.Value).SequenceEqual(dictionary.Elements.Select(e => e.Value)) ? value : new DictionaryValue(entries);
            default:
                return value;
        }
    }
}
