using System.Globalization;
using System.Text.RegularExpressions;

namespace FleetExporter.Web;

/// <summary>
/// A bcrypt hash from <c>basic_auth_users</c>, checked when the web config loads so that no request can meet a hash
/// that cannot be verified (a 500 for every request as that user) or that takes minutes per check.
/// </summary>
public sealed partial record BcryptHash(string Text, int Cost)
{
    /// <summary>bcrypt's own range, and what the exporter-toolkit (Go's <c>bcrypt.Cost</c>) accepts.</summary>
    public const int MinCost = 4, ToolkitMaxCost = 31;

    /// <summary>
    /// The highest cost served: htpasswd's own maximum (<c>-C 4..17</c>). One check doubles with each step; cost 17
    /// is seconds of a core, cost 31 days, which no scrape waits for and which would hold up a shutdown.
    /// </summary>
    public const int MaxCost = 17;

    // $2a$ / $2b$ / $2x$ / $2y$, two-digit cost, 22 characters of salt and 31 of hash in bcrypt's base64.
    [GeneratedRegex(@"^\$2[abxy]\$([0-9]{2})\$[./A-Za-z0-9]{53}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();

    /// <summary>The hash, or why it cannot be served (without the file and line, which the caller adds).</summary>
    public static BcryptHash Parse(string text)
    {
        var m = Shape().Match(text);
        if (!m.Success)
            throw new FormatException(text.StartsWith("$2", StringComparison.Ordinal)
                ? "not a well-formed bcrypt hash (expected $2y$COST$ and 53 characters of salt and hash, 60 in all)"
                : "expected a bcrypt hash ($2y$...), not a plain password");
        var cost = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (cost < MinCost)
            throw new FormatException($"bcrypt cost {cost} is under {MinCost}, the least bcrypt allows");
        if (cost > ToolkitMaxCost)
            throw new FormatException($"bcrypt cost {cost} is over {ToolkitMaxCost}, the most bcrypt allows; hash the password again with a cost of {MinCost} to {MaxCost}, e.g. htpasswd -nBC 10 \"\"");
        if (cost > MaxCost)
            throw new FormatException($"bcrypt cost {cost} is over {MaxCost}: each check would take 2^{cost - 10} times as long as at cost 10 "
                + $"(about 0.1 s), too long for any scrape; hash the password again with a cost of {MinCost} to {MaxCost}, e.g. htpasswd -nBC 10 \"\"");
        return new BcryptHash(text, cost);
    }

    /// <summary>
    /// The exporter-toolkit's fixed dummy hash (of "fakepassword"), at <paramref name="cost"/>: verifying an unknown
    /// user against it costs what verifying a known user's wrong password costs, so timing tells no user names.
    /// </summary>
    public static BcryptHash Dummy(int cost) =>
        new($"$2y${cost:00}$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi", cost);
}
