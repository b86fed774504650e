using System.CommandLine;
using System.Globalization;
using FleetExporter.Roster;

namespace FleetExporter.Cli;

/// <summary>
/// A timing flag that takes a duration as the roster does (<c>150ms</c>, <c>5s</c>, <c>2m</c>). A bare integer is
/// milliseconds, as these flags took before durations: <c>--enter-delay 150</c> still means 150 ms.
/// </summary>
public static class DurationOption
{
    public static Option<TimeSpan?> Create(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} (a duration: 150ms, 5s, 2m; a bare number is milliseconds; default {Durations.Format(defaultValue)})",
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (TryParse(text, out var value)) return value;
            result.AddError($"{name} \"{text}\" is not a duration (e.g. 150ms, 5s, 2m; a bare number is milliseconds)");
            return null;
        },
    };

    /// <summary>A roster duration, or a bare non-negative integer of milliseconds (so 0 is allowed).</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        if (text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit))
        {
            value = TimeSpan.FromMilliseconds(int.Parse(text, CultureInfo.InvariantCulture));
            return true;
        }
        return Durations.TryParse(text, out value);
    }
}
