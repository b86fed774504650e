using System.Globalization;

namespace FleetExporter.Web;

/// <summary>
/// What the landing page and <c>/fleet</c> share: a head that a phone shows at its own width and that asks for no
/// favicon (a 404 in every browser's console), one look, the table in a box that scrolls sideways on a narrow screen
/// (rows stay one line each, the page itself does not scroll sideways), and reloading through a meta refresh.
/// </summary>
internal static class PageStyle
{
    private const int MaxRefresh = 3600;

    public const string Head = "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"icon\" href=\"data:,\">";

    /// <summary>The shared rules; each page appends its own.</summary>
    public const string Css =
        "body{font-family:sans-serif;margin:2em;overflow-wrap:break-word}@media (max-width:600px){body{margin:1em}}" +
        "table{border-collapse:collapse}td,th{padding:.25em .75em;border-bottom:1px solid #ddd;text-align:left}td{white-space:nowrap}.wide{overflow-x:auto}";

    public const string TableStart = "<div class=\"wide\"><table>";
    public const string TableEnd = "</table></div>";

    /// <summary>Seconds between reloads: the query's whole number (0 = never), else <paramref name="fallback"/>; capped at an hour.</summary>
    public static int Refresh(string? query, int fallback) =>
        int.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? Math.Min(seconds, MaxRefresh) : fallback;

    /// <summary>The meta tag that reloads the page every <paramref name="seconds"/>; none for 0.</summary>
    public static string RefreshMeta(int seconds) => seconds > 0 ? $"<meta http-equiv=\"refresh\" content=\"{seconds}\">" : "";
}
