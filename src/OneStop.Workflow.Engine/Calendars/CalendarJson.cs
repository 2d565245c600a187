using System.Globalization;
using System.Text.Json;

namespace OneStop.Workflow.Engine.Calendars;

/// <summary>
/// Reads the calendar JSON format documented in workflows/calendars/README.md, strictly: an unknown field, a
/// malformed or misplaced date, or a day declared twice is an error naming the field and value, because a
/// silently ignored typo would move statutory deadlines.
/// </summary>
internal static class CalendarJson
{
    private static readonly string[] RootFields = ["name", "description", "timeZone", "weekend", "years"];
    private static readonly string[] YearFields = ["holidays", "workdays", "source"];
    private static readonly string[] EntryFields = ["date", "from", "to", "name"];

    public static WorkingDayCalendar Read(string json, string id, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(id);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            // JsonException counts lines from 0 and repeats the position in its message; say it once, from 1.
            var where = e.LineNumber is long line ? $" at line {line + 1}, position {e.BytePositionInLine + 1}" : "";
            var reason = e.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = cut > 0 ? reason[..cut] : reason;
            throw new CalendarFormatException(source, null, $"the file is not valid JSON{where}: {reason}", e);
        }

        using (document)
        {
            return new Reader(source).Calendar(document.RootElement, id);
        }
    }

    private sealed class Reader(string source)
    {
        private readonly Dictionary<DateOnly, string> _holidays = [];
        private readonly Dictionary<DateOnly, string> _workdays = [];

        // Where each date was declared, so that a second declaration can point at the first.
        private readonly Dictionary<DateOnly, string> _declaredAt = [];

        private CalendarFormatException Error(string? field, string problem) => new(source, field, problem);

        public WorkingDayCalendar Calendar(JsonElement root, string id)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Error(null, $"the document must be a JSON object, not {Describe(root)}.");
            }

            var fields = Fields(root, null, RootFields);

            var name = id;
            if (fields.TryGetValue("name", out var nameElement))
            {
                name = NonEmptyString(nameElement, "name");
            }

            if (fields.TryGetValue("description", out var description))
            {
                NonEmptyString(description, "description");
            }

            if (!fields.TryGetValue("timeZone", out var zoneElement))
            {
                throw Error("timeZone", "is required: an IANA time zone id such as \"Asia/Shanghai\" or \"Etc/UTC\".");
            }

            var timeZone = TimeZone(NonEmptyString(zoneElement, "timeZone"));

            IReadOnlyList<DayOfWeek> weekend = [DayOfWeek.Saturday, DayOfWeek.Sunday];
            if (fields.TryGetValue("weekend", out var weekendElement))
            {
                weekend = Weekend(weekendElement);
            }

            var years = new List<int>();
            if (fields.TryGetValue("years", out var yearsElement))
            {
                if (yearsElement.ValueKind != JsonValueKind.Object)
                {
                    throw Error("years", $"must be an object keyed by year (\"2025\": {{...}}), not {Describe(yearsElement)}.");
                }

                foreach (var (key, value) in Fields(yearsElement, "years", null))
                {
                    years.Add(Year(key, value, weekend));
                }
            }

            return new WorkingDayCalendar(id, name, timeZone, weekend, _holidays, _workdays, years);
        }

        private TimeZoneInfo TimeZone(string zoneId)
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                throw new CalendarFormatException(
                    source, "timeZone", $"'{zoneId}' is not a known time zone; use an IANA id such as \"Asia/Shanghai\" or \"Etc/UTC\".", e);
            }
        }

        private List<DayOfWeek> Weekend(JsonElement element)
        {
            if (element.ValueKind != JsonValueKind.Array)
            {
                throw Error("weekend", $"must be an array of day names such as [\"Saturday\", \"Sunday\"], not {Describe(element)}.");
            }

            var days = new List<DayOfWeek>();
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                var field = $"weekend[{index++}]";
                var text = NonEmptyString(item, field);
                var day = Enum.GetValues<DayOfWeek>().Cast<DayOfWeek?>()
                    .FirstOrDefault(d => string.Equals(d.ToString(), text, StringComparison.OrdinalIgnoreCase));
                if (day is null)
                {
                    throw Error(field, $"'{text}' is not a day of the week; use Monday, Tuesday, Wednesday, Thursday, Friday, Saturday or Sunday.");
                }

                if (days.Contains(day.Value))
                {
                    throw Error(field, $"{day} is listed twice.");
                }

                days.Add(day.Value);
            }

            if (days.Count == 7)
            {
                throw Error("weekend", "lists all seven days; a calendar needs at least one working day in the week.");
            }

            return days;
        }

        private int Year(string key, JsonElement element, IReadOnlyList<DayOfWeek> weekend)
        {
            var field = $"years.{key}";
            if (key.Length != 4 || !key.All(char.IsAsciiDigit) || key == "0000")
            {
                throw Error(field, $"'{key}' is not a year; keys of \"years\" are four-digit years such as \"2025\".");
            }

            var year = int.Parse(key, CultureInfo.InvariantCulture);
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw Error(field, $"must be an object with \"holidays\" and \"workdays\", not {Describe(element)}.");
            }

            var fields = Fields(element, field, YearFields);
            if (fields.TryGetValue("source", out var sourceElement))
            {
                NonEmptyString(sourceElement, $"{field}.source");
            }

            if (fields.TryGetValue("holidays", out var holidays))
            {
                foreach (var (date, name, at) in Entries(holidays, $"{field}.holidays", year))
                {
                    Declare(date, at, $"{field}.holidays");
                    _holidays[date] = name;
                }
            }

            if (fields.TryGetValue("workdays", out var workdays))
            {
                foreach (var (date, name, at) in Entries(workdays, $"{field}.workdays", year))
                {
                    if (!weekend.Contains(date.DayOfWeek))
                    {
                        throw Error(at, $"{Iso(date)} is a {date.DayOfWeek}, already a working day; only weekend days are declared as make-up workdays.");
                    }

                    Declare(date, at, $"{field}.workdays");
                    _workdays[date] = name;
                }
            }

            return year;
        }

        private void Declare(DateOnly date, string at, string list)
        {
            if (_declaredAt.TryGetValue(date, out var first))
            {
                var problem = first.StartsWith(list + "[", StringComparison.Ordinal)
                    ? $"{Iso(date)} is listed twice (also at {first})."
                    : $"{Iso(date)} is listed both as a holiday and as a workday (also at {first}).";
                throw Error(at, problem);
            }

            _declaredAt[date] = at;
        }

        /// <summary>The days of a holidays/workdays array: each entry is {date, name} or {from, to, name}.</summary>
        private IEnumerable<(DateOnly Date, string Name, string Field)> Entries(JsonElement array, string field, int year)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                throw Error(field, $"must be an array of {{\"date\": ..., \"name\": ...}} or {{\"from\": ..., \"to\": ..., \"name\": ...}}, not {Describe(array)}.");
            }

            var days = new List<(DateOnly, string, string)>();
            var index = 0;
            foreach (var entry in array.EnumerateArray())
            {
                var at = $"{field}[{index++}]";
                if (entry.ValueKind != JsonValueKind.Object)
                {
                    throw Error(at, $"must be an object such as {{\"date\": \"{year}-01-01\", \"name\": \"...\"}}, not {Describe(entry)}.");
                }

                var fields = Fields(entry, at, EntryFields);
                if (!fields.TryGetValue("name", out var nameElement))
                {
                    throw Error($"{at}.name", "is required: say which holiday or arrangement this is.");
                }

                var name = NonEmptyString(nameElement, $"{at}.name");
                var hasDate = fields.TryGetValue("date", out var dateElement);
                var hasFrom = fields.TryGetValue("from", out var fromElement);
                var hasTo = fields.TryGetValue("to", out var toElement);
                if (hasDate && (hasFrom || hasTo))
                {
                    throw Error(at, "has both \"date\" and a \"from\"/\"to\" range; give one or the other.");
                }

                if (hasDate)
                {
                    days.Add((Date(dateElement, $"{at}.date", year), name, $"{at}.date"));
                    continue;
                }

                if (!hasFrom || !hasTo)
                {
                    throw Error(at, hasFrom || hasTo
                        ? "a range needs both \"from\" and \"to\"."
                        : "needs a \"date\", or a \"from\" and \"to\" range.");
                }

                var from = Date(fromElement, $"{at}.from", year);
                var to = Date(toElement, $"{at}.to", year);
                if (to < from)
                {
                    throw Error($"{at}.to", $"{Iso(to)} is before \"from\" {Iso(from)}.");
                }

                for (var day = from; day <= to; day = day.AddDays(1))
                {
                    days.Add((day, name, at));
                }
            }

            return days;
        }

        private DateOnly Date(JsonElement element, string field, int year)
        {
            var text = NonEmptyString(element, field);
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw Error(field, $"'{text}' is not a valid date; write yyyy-MM-dd, e.g. {year}-10-01.");
            }

            if (date.Year != year)
            {
                throw Error(field, $"{text} is outside {year}, the year it is listed under.");
            }

            return date;
        }

        private string NonEmptyString(JsonElement element, string field)
        {
            if (element.ValueKind != JsonValueKind.String)
            {
                throw Error(field, $"must be a string, not {Describe(element)}.");
            }

            var text = element.GetString()!;
            return string.IsNullOrWhiteSpace(text) ? throw Error(field, "must not be empty.") : text.Trim();
        }

        /// <summary>The properties of an object, refusing duplicates and (when <paramref name="allowed"/> is given) unknown names.</summary>
        private Dictionary<string, JsonElement> Fields(JsonElement element, string? path, string[]? allowed)
        {
            var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var field = path is null ? property.Name : $"{path}.{property.Name}";
                if (allowed is not null && !allowed.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw Error(field, $"unknown field \"{property.Name}\"; allowed here: {string.Join(", ", allowed)}.");
                }

                if (!fields.TryAdd(property.Name, property.Value))
                {
                    throw Error(field, $"\"{property.Name}\" appears twice.");
                }
            }

            return fields;
        }

        private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => $"the string \"{element.GetString()}\"",
            JsonValueKind.Number => $"the number {element.GetRawText()}",
            JsonValueKind.True or JsonValueKind.False => $"{element.GetRawText()}",
            _ => "null",
        };
    }
}
