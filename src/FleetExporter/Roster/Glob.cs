namespace FleetExporter.Roster;

/// <summary>
/// A roster <c>include</c>/<c>exclude</c> glob: '*' is any run of characters, '?' any one, everything else itself.
/// Matched by the greedy wildcard walk that returns only to the last '*': at most name × pattern steps. A regex
/// (<c>.*a.*a.*…b</c>) would backtrack exponentially on a name that almost matches and hang ps and serve.
/// </summary>
public static class Glob
{
    public static bool Matches(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                // Let the last '*' take one more character and try the rest of the pattern again.
                p = star + 1;
                n = ++resume;
            }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
