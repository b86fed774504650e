namespace FleetExporter.Usage;

/// <summary>The kinds of token a runtime reports, as exported in the <c>type</c> label.</summary>
public static class TokenType
{
    public const string Input = "input";
    public const string Output = "output";
    public const string CacheRead = "cache_read";
    public const string CacheWrite = "cache_write";

    public static readonly IReadOnlyList<string> All = [Input, Output, CacheRead, CacheWrite];
}

/// <summary>One model's response as its transcript records it: an id to count it once, its model and its tokens.</summary>
public sealed record ModelResponse(string? Id, string Model, long Input, long Output, long CacheRead, long CacheWrite)
{
    /// <summary>What was in the context for this request: everything the model read.</summary>
    public long Context => Input + CacheRead + CacheWrite;
}

/// <summary>Where the count of one transcript stands: the file (by inode, so a replaced file is counted afresh) and the offset read to.</summary>
public sealed record TranscriptPosition(string Path, ulong Inode, long Offset);

/// <summary>
/// What one agent has spent, counted from its own transcripts by its hooks and kept in <c>&lt;agent&gt;.usage</c>
/// beside its heartbeat: counters that only grow (across transcripts: a /clear or a restart starts a new one, and
/// the counts go on), the context of its last request, and where each transcript's count stands.
/// </summary>
public sealed record UsageTotals
{
    /// <summary>Tokens by model and <see cref="TokenType"/>.</summary>
    public IReadOnlyDictionary<(string Model, string Type), long> Tokens { get; init; } = new Dictionary<(string, string), long>();

    /// <summary>Model responses counted.</summary>
    public long Responses { get; init; }

    /// <summary>The tokens in the context at the last request, and its model.</summary>
    public (string Model, long Tokens)? Context { get; init; }

    /// <summary>The transcripts counted most recently, newest first (<see cref="MaxTranscripts"/> at most).</summary>
    public IReadOnlyList<TranscriptPosition> Transcripts { get; init; } = [];

    /// <summary>The ids of the last responses counted: a response written as several lines is counted once.</summary>
    public IReadOnlyList<string> RecentIds { get; init; } = [];

    /// <summary>Why the last update could not count (the transcript is no regular file, lies outside the agent's directory...), or null.</summary>
    public string? Problem { get; init; }

    public const int MaxTranscripts = 8;
    public const int MaxRecentIds = 64;
    /// <summary>Models kept per agent (the label's cardinality): past this, a new model counts as <c>other</c>.</summary>
    public const int MaxModels = 16;
    public const string OtherModel = "other";

    public static readonly UsageTotals Empty = new();

    /// <summary>These totals with one more response counted, unless its id was counted already.</summary>
    public UsageTotals Add(ModelResponse response)
    {
        if (response.Id is { } id && RecentIds.Contains(id, StringComparer.Ordinal)) return this;
        var tokens = new Dictionary<(string, string), long>(Tokens);
        var model = tokens.Keys.Any(k => k.Item1 == response.Model) || tokens.Keys.Select(k => k.Item1).Distinct().Count() < MaxModels
            ? response.Model
            : OtherModel;
        void Count(string type, long n)
        {
            if (n > 0) tokens[(model, type)] = tokens.GetValueOrDefault((model, type)) + n;
        }
        Count(TokenType.Input, response.Input);
        Count(TokenType.Output, response.Output);
        Count(TokenType.CacheRead, response.CacheRead);
        Count(TokenType.CacheWrite, response.CacheWrite);
        var recent = response.Id is null ? RecentIds : [response.Id, .. RecentIds.Take(MaxRecentIds - 1)];
        return this with { Tokens = tokens, Responses = Responses + 1, Context = (model, response.Context), RecentIds = recent };
    }

    public long TotalTokens => Tokens.Values.Sum();
}
