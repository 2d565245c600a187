using System.Globalization;

namespace OneStop.Workflow.Engine.Forms;

/// <summary>
/// The citizen identity number of the People's Republic of China (GB 11643-1999): 6 digits of the registering
/// administrative division, the date of birth as YYYYMMDD, a 3-digit sequence number and a check character
/// computed with ISO 7064 MOD 11-2 (0-9 or X).
/// </summary>
public static class PrcResidentId
{
    public const int Length = 18;

    // ISO 7064 MOD 11-2 weights: 2^(17 - i) mod 11 for positions 1..17.
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    // The check character for each remainder of the weighted sum modulo 11.
    private const string CheckCharacters = "10X98765432";

    /// <summary>The check character for the first 17 digits of an ID number.</summary>
    /// <exception cref="ArgumentException">When <paramref name="first17"/> is not 17 ASCII digits.</exception>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        if (first17.Length != Length - 1 || first17.ContainsAnyExceptInRange('0', '9'))
            throw new ArgumentException("The check character is computed from exactly 17 digits.", nameof(first17));
        var sum = 0;
        for (var i = 0; i < first17.Length; i++)
            sum += (first17[i] - '0') * Weights[i];
        return CheckCharacters[sum % 11];
    }

    public static bool IsValid(string value) => Problems(value).Count == 0;

    /// <summary>What is wrong with <paramref name="value"/> as an ID number, in words a citizen understands; empty when valid.</summary>
    public static IReadOnlyList<string> Problems(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != Length)
        {
            return value.Length == 15
                ? ["must be the 18-character ID number; 15-digit numbers of the first-generation card are no longer accepted."]
                : [$"must be 18 characters: 17 digits followed by a digit or X ({value.Length} given)."];
        }

        var first17 = value.AsSpan(0, Length - 1);
        if (first17.ContainsAnyExceptInRange('0', '9'))
            return ["the first 17 characters must be digits."];

        var last = value[Length - 1];
        if (last == 'x')
            return ["write the last character as a capital X."];
        if (last is not (>= '0' and <= '9' or 'X'))
            return ["the last character must be a digit or X."];

        var problems = new List<string>();
        var birth = value.Substring(6, 8);
        if (!DateOnly.TryParseExact(birth, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            problems.Add($"characters 7 to 14 must be the date of birth (YYYYMMDD); {birth} is not a real date.");

        var expected = CheckCharacter(first17);
        if (last != expected)
            problems.Add($"the check digit is wrong; expected {expected} at the end.");
        return problems;
    }
}
