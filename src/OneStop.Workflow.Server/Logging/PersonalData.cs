using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace OneStop.Workflow.Server.Logging;

/// <summary>Masks PRC resident ID numbers (18-digit, and the old 15-digit form), mainland mobile numbers and landline
/// numbers wherever they appear in text, also when written with spaces or dashes between groups. Only whole numbers
/// count: a run of digits inside a longer word (a hexadecimal id) is left alone.</summary>
public static partial class PersonalData
{
    private const string Before = "(?<![0-9A-Za-z])";
    private const string After = "(?![0-9A-Za-z])";

    // An ID number holds its holder's birth date (digits 7-14, or 7-12 in the old form): requiring one keeps other long
    // numbers (tick counts, order numbers) readable.
    [GeneratedRegex(Before + @"(\d{3})\d{3}[ -]?(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}([\dXx])" + After,
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex IdNumber();

    [GeneratedRegex(Before + @"(\d{3})\d{5}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{2}(\d)" + After,
        RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex OldIdNumber();

    [GeneratedRegex(@"(?<![0-9A-Za-z+])((?:(?:\+|00)86[ -]?)?1[3-9]\d)[ -]?\d{4}[ -]?(\d{4})" + After, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex MobileNumber();

    [GeneratedRegex(Before + @"(0\d{2,3})([ -]?)\d{3,4}(\d{4})" + After, RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex LandlineNumber();

    /// <summary>110105199001011234 → 110**************4; 13812345678 → 138****5678; 010-12345678 → 010-****5678.</summary>
    public static string Mask(string text)
    {
        if (text.Length < 10)
            return text;
        try
        {
            var masked = IdNumber().Replace(text, m => m.Groups[1].Value + new string('*', 14) + m.Groups[2].Value);
            masked = OldIdNumber().Replace(masked, m => m.Groups[1].Value + new string('*', 11) + m.Groups[2].Value);
            masked = MobileNumber().Replace(masked, m => m.Groups[1].Value + "****" + m.Groups[2].Value);
            return LandlineNumber().Replace(masked, m => m.Groups[1].Value + m.Groups[2].Value + "****" + m.Groups[3].Value);
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

/// <summary>Wraps an exception for logging so that its rendered text (message, inner exceptions, stack) is masked:
/// Serilog writes an event's exception with <see cref="Exception.ToString"/>, which no enricher can change.</summary>
public sealed class MaskedException(Exception inner) : Exception(PersonalData.Mask(inner.Message))
{
    public Type InnerType { get; } = inner.GetType();

    public override string ToString() => PersonalData.Mask(inner.ToString());
}
