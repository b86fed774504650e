using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace FleetExporter.Web;

/// <summary>The answer to one set of credentials.</summary>
public enum CredentialVerdict { Accepted, Refused, Busy }

/// <summary>
/// Checks basic-auth credentials against the web config's bcrypt hashes, in the way of the exporter-toolkit:
/// an unknown user is verified against a dummy hash of the users' cost, so a refusal takes as long whoever is
/// named; credentials that verified are remembered (by user and the SHA-256 of the password, never the password),
/// so a scrape pays bcrypt once, not every 15 s; and bcrypt runs at most one or two at a time, so a flood of wrong
/// passwords queues behind itself while a remembered scrape is answered at once. The queue is bounded too:
/// past <see cref="MaxWaiting"/> waiters, or after <see cref="MaxWait"/>, a check is answered Busy (429).
/// </summary>
public sealed class CredentialChecker
{
    public const int CacheLimit = 256;
    public const int MaxWaiting = 64;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    private readonly IReadOnlyDictionary<string, string> _users;
    private readonly string _dummy;
    private readonly ConcurrentDictionary<string, byte> _verified = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _bcrypt = new(Math.Clamp(Environment.ProcessorCount / 2, 1, 2));
    private int _waiting;

    public CredentialChecker(IReadOnlyDictionary<string, string> users)
    {
        _users = users;
        _dummy = BcryptHash.Dummy(UsualCost(users.Values)).Text;
    }

    /// <summary>The cost most users' hashes have (the higher on a tie), which the dummy hash takes.</summary>
    private static int UsualCost(IEnumerable<string> hashes) =>
        hashes.Select(h => BcryptHash.Parse(h).Cost).GroupBy(c => c)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).Select(g => g.Key).DefaultIfEmpty(10).First();

    public async Task<CredentialVerdict> CheckAsync(string user, string password, CancellationToken ct)
    {
        var key = CacheKey(user, password);
        if (_verified.ContainsKey(key)) return CredentialVerdict.Accepted;

        if (Interlocked.Increment(ref _waiting) > MaxWaiting)
        {
            Interlocked.Decrement(ref _waiting);
            return CredentialVerdict.Busy;
        }
        try
        {
            if (!await _bcrypt.WaitAsync(MaxWait, ct)) return CredentialVerdict.Busy;
        }
        finally { Interlocked.Decrement(ref _waiting); }

        bool accepted;
        try
        {
            var known = _users.TryGetValue(user, out var hash);
            accepted = Verify(password, known ? hash! : _dummy) && known;
        }
        finally { _bcrypt.Release(); }
        if (!accepted) return CredentialVerdict.Refused;
        // Only successes are remembered, so guesses cannot grow it; the bound covers passwords past bcrypt's 72 bytes.
        if (_verified.Count >= CacheLimit) _verified.Clear();
        _verified[key] = 0;
        return CredentialVerdict.Accepted;
    }

    private static bool Verify(string password, string hash)
    {
        try { return BCrypt.Net.BCrypt.Verify(password, hash); }
        catch (Exception e) when (e is ArgumentException or BCrypt.Net.SaltParseException) { return false; }
    }

    private static string CacheKey(string user, string password) =>
        user + "\n" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(password)));
}
