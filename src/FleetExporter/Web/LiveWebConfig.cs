using FleetExporter.Files;

namespace FleetExporter.Web;

/// <summary>
/// The web config as it is now. The exporter-toolkit re-reads its file at every request, so a renewed certificate
/// (certbot, cert-manager, a short-lived CA) is served at once; here a request looks, at most once a second, at the
/// identity (inode, size, modification and change times) of the file and of each file it names, and reads them
/// again when one changed. Certificates, keys, client CAs, allowed SANs, cipher suites and users take effect from the
/// next handshake or request. A new version that does not load, or that changes what only a restart can (TLS on or
/// off, TLS versions, client_auth_type, HTTP/2, headers, rate limit), is refused whole: the last good one stays and
/// the log says why, as for the roster.
/// </summary>
public sealed class LiveWebConfig
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(1);
    private readonly string? _file;
    private readonly Lock _gate = new();
    private State _state;
    private long _nextCheck;

    private sealed record State(WebConfig Config, string Fingerprint);

    /// <summary>Where refusals and reloads are logged; set once the app's logging exists.</summary>
    public ILogger? Log { get; set; }

    private LiveWebConfig(string? file, WebConfig config) => (_file, _state) = (file, new State(config, file is null ? "" : Fingerprint(file, config)));

    /// <summary>A config that is never re-read (no <c>--web.config.file</c>, or one built in code).</summary>
    public static LiveWebConfig Fixed(WebConfig config) => new(null, config);

    /// <summary><paramref name="loaded"/>, as read from <paramref name="file"/> at start-up, re-read when it changes.</summary>
    public static LiveWebConfig Watching(string file, WebConfig loaded) => new(file, loaded);

    public WebConfig Current
    {
        get
        {
            if (_file is not null && Environment.TickCount64 >= Interlocked.Read(ref _nextCheck)) Refresh(_file);
            return _state.Config;
        }
    }

    private void Refresh(string file)
    {
        lock (_gate)
        {
            if (Environment.TickCount64 < _nextCheck) return;
            _nextCheck = Environment.TickCount64 + (long)CheckEvery.TotalMilliseconds;
            var old = _state;
            var seen = Fingerprint(file, old.Config);
            if (seen == old.Fingerprint) return;
            try
            {
                var next = WebConfig.Load(file);
                if (NeedsRestart(old.Config, next) is { } what)
                    throw new WebConfigException($"{file}: {what} changed, which takes a restart");
                _state = new State(next, Fingerprint(file, next));
                Log?.LogInformation("web config reloaded from {File}", file);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Not tried again until something changes once more; the last good config keeps serving.
                _state = old with { Fingerprint = seen };
                Log?.LogError("web config not reloaded, the last good one is kept: {Error}", e.Message);
            }
        }
    }

    /// <summary>What differs between the two that the listeners or the middleware fixed at start-up; null when nothing does.</summary>
    internal static string? NeedsRestart(WebConfig was, WebConfig now)
    {
        if ((was.Tls is null) != (now.Tls is null) || (was.Tls is null && (was.CertFile, was.KeyFile) != (now.CertFile, now.KeyFile))) return "tls_server_config (TLS on or off)";
        if (was.Tls is { } a && now.Tls is { } b)
        {
            if (a.Protocols != b.Protocols) return "tls_server_config.min_version or max_version";
            if (a.ClientAuth.Type != b.ClientAuth.Type || a.ClientAuth.Requires != b.ClientAuth.Requires) return "tls_server_config.client_auth_type";
        }
        if (was.Http.Http2 != now.Http.Http2 || was.Http.Headers.Count != now.Http.Headers.Count
            || was.Http.Headers.Any(h => now.Http.Headers.GetValueOrDefault(h.Key) != h.Value)) return "http_server_config";
        if (was.RateLimit != now.RateLimit) return "rate_limit";
        return null;
    }

    /// <summary>The identities of the config file and of every file it reads: any write to one changes this.</summary>
    private static string Fingerprint(string file, WebConfig config) =>
        string.Join("\n", new[] { file }.Concat(config.Tls?.Files ?? []).Select(Identity));

    private static string Identity(string path)
    {
        try
        {
            using var handle = NonBlockingFile.OpenRead(path);
            return NonBlockingFile.Identity(handle)?.Key ?? "?";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return "missing: " + e.Message; }
    }
}
