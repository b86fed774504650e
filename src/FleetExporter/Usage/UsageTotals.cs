namespace FleetExporter.Usage;

/// <summary>How a tool call ended, as exported in the <c>outcome</c> label.</summary>
public static class ToolOutcome
{
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Denied = "denied";

    public static readonly IReadOnlyList<string> All = [Succeeded, Failed, Denied];
}

/// <summary>The kinds of token a runtime reports, as exported in the <c>type</c> label.</summary>
public static class TokenType
{
    public const string Input = "input";
    public const string Output = "output";
    public const string CacheRead = "cache_read";
    public const string CacheWrite = "cache_write";
    public const string Reasoning = "reasoning";

    public static readonly IReadOnlyList<string> All = [Input, Output, CacheRead, CacheWrite, Reasoning];
}

/// <summary>
/// One model's response as its transcript records it: an id to count it once, its model and its tokens, in disjoint
/// kinds (input not read from a cache, output other than reasoning, cache reads, cache writes, reasoning).
/// </summary>
public sealed record ModelResponse(string? Id, string Model, long Input, long Output, long CacheRead, long CacheWrite, long Reasoning = 0)
{
    /// <summary>What was in the context for this request: everything the model read (unless the runtime says it).</summary>
    public long Context { get; init; } = Input + CacheRead + CacheWrite;

    /// <summary>The model's context window, when the runtime reports it (Codex).</summary>
    public long? ContextWindow { get; init; }

    /// <summary>What the runtime itself says the response cost in USD (pi), used instead of a price.</summary>
    public double? RecordedCostUsd { get; init; }
}

/// <summary>
/// A runtime's running totals for one transcript, as it writes them (Codex's <c>total_token_usage</c>): what the
/// next total is counted against.
/// </summary>
public sealed record CumulativeUsage(long Input, long Output, long CacheRead, long CacheWrite, long Reasoning)
{
    public static readonly CumulativeUsage Zero = new(0, 0, 0, 0, 0);
}

/// <summary>
/// Where the count of one transcript stands: the file (by inode, so a replaced file is counted afresh), the offset
/// read to and, for runtimes whose lines depend on earlier ones, the model in use and the running totals.
/// </summary>
public sealed record TranscriptPosition(string Path, ulong Inode, long Offset)
{
    public string? Model { get; init; }
    public CumulativeUsage? Cumulative { get; init; }
}

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

    /// <summary>Turns that ended on an API error, as the runtime's hooks said (<see cref="UsageEvent.ApiError"/>).</summary>
    public long ApiErrors { get; init; }

    /// <summary>Turns completed, as the runtime's hooks said (<see cref="UsageEvent.Turn"/>).</summary>
    public long Turns { get; init; }

    /// <summary>Tool calls ended, by outcome (<see cref="ToolOutcome"/>), as the runtime's hooks said.</summary>
    public IReadOnlyDictionary<string, long> ToolCalls { get; init; } = new Dictionary<string, long>();

    /// <summary>These totals with one more event the runtime's hooks reported.</summary>
    public UsageTotals With(UsageEvent e)
    {
        UsageTotals Tool(string outcome) =>
            this with { ToolCalls = new Dictionary<string, long>(ToolCalls) { [outcome] = ToolCalls.GetValueOrDefault(outcome) + 1 } };
        return e switch
        {
            UsageEvent.Turn => this with { Turns = Turns + 1 },
            UsageEvent.ApiError => this with { ApiErrors = ApiErrors + 1 },
            UsageEvent.ToolSucceeded => Tool(ToolOutcome.Succeeded),
            UsageEvent.ToolFailed => Tool(ToolOutcome.Failed),
            _ => Tool(ToolOutcome.Denied),
        };
    }

    /// <summary>These totals with one more event a transcript line reported; one whose id was counted already adds nothing (a rewritten line).</summary>
    public UsageTotals With(TranscriptEvent e)
    {
        if (e.Id is null) return With(e.Event);
        if (RecentEvents.Contains(e.Id)) return this;
        return With(e.Event) with { RecentEvents = [e.Id, .. RecentEvents.Take(MaxRecentIds - 1)] };
    }

    /// <summary>The ids of the last events counted from transcripts (<see cref="With(TranscriptEvent)"/>), newest first.</summary>
    public IReadOnlyList<string> RecentEvents { get; init; } = [];

    /// <summary>The tokens in the context at the last request, and its model.</summary>
    public (string Model, long Tokens)? Context { get; init; }

    /// <summary>What the runtime itself recorded as each model's cost in USD (pi), where it did.</summary>
    public IReadOnlyDictionary<string, double> RecordedCostUsd { get; init; } = new Dictionary<string, double>();

    /// <summary>The model's context window, as the runtime last reported it (Codex), with its model.</summary>
    public (string Model, long Tokens)? ContextWindow { get; init; }

    /// <summary>What the hooks counted on the last day they counted anything (the host's local date), or null.</summary>
    public DayUsage? Today { get; init; }

    /// <summary>The account's rate-limit windows, as the runtime last reported them (Codex), or none.</summary>
    public IReadOnlyList<RateLimitWindow> RateLimits { get; init; } = [];

    /// <summary>The transcripts counted most recently, newest first (<see cref="MaxTranscripts"/> at most).</summary>
    public IReadOnlyList<TranscriptPosition> Transcripts { get; init; } = [];

    /// <summary>
    /// The last responses counted, by id, with what was counted of each: a response written as several lines is
    /// counted once, and one rewritten as it grows (Gemini CLI) adds only what it grew by.
    /// </summary>
    public IReadOnlyList<ModelResponse> Recent { get; init; } = [];

    /// <summary>Why the last update could not count (the transcript is no regular file, lies outside the agent's directory...), or null.</summary>
    public string? Problem { get; init; }

    public const int MaxTranscripts = 8;
    public const int MaxRecentIds = 64;
    /// <summary>Models kept per agent (the label's cardinality): past this, a new model counts as <c>other</c>.</summary>
    public const int MaxModels = 16;
    public const string OtherModel = "other";

    public static readonly UsageTotals Empty = new();

    /// <summary>These totals with one more response counted; one whose id was counted already adds only what it grew by.</summary>
    public UsageTotals Add(ModelResponse response)
    {
        var seen = response.Id is { } id ? Recent.FirstOrDefault(r => r.Id == id) : null;
        var added = seen is null ? response : response with
        {
            Input = Math.Max(0, response.Input - seen.Input), Output = Math.Max(0, response.Output - seen.Output),
            CacheRead = Math.Max(0, response.CacheRead - seen.CacheRead), CacheWrite = Math.Max(0, response.CacheWrite - seen.CacheWrite),
            Reasoning = Math.Max(0, response.Reasoning - seen.Reasoning),
        };
        if (seen is not null && added.Input + added.Output + added.CacheRead + added.CacheWrite + added.Reasoning == 0) return this;
        var tokens = new Dictionary<(string, string), long>(Tokens);
        var model = tokens.Keys.Any(k => k.Item1 == response.Model) || tokens.Keys.Select(k => k.Item1).Distinct().Count() < MaxModels
            ? response.Model
            : OtherModel;
        void Count(string type, long n)
        {
            if (n > 0) tokens[(model, type)] = Plus(tokens.GetValueOrDefault((model, type)), n);
        }
        Count(TokenType.Input, added.Input);
        Count(TokenType.Output, added.Output);
        Count(TokenType.CacheRead, added.CacheRead);
        Count(TokenType.CacheWrite, added.CacheWrite);
        Count(TokenType.Reasoning, added.Reasoning);
        // What was counted of each recent response: its largest version (the counts per kind only grow).
        var counted = seen is null ? response : response with
        {
            Input = Math.Max(response.Input, seen.Input), Output = Math.Max(response.Output, seen.Output),
            CacheRead = Math.Max(response.CacheRead, seen.CacheRead), CacheWrite = Math.Max(response.CacheWrite, seen.CacheWrite),
            Reasoning = Math.Max(response.Reasoning, seen.Reasoning),
        };
        var recorded = RecordedCostUsd;
        if (seen is null && response.RecordedCostUsd is { } usd)
            recorded = new Dictionary<string, double>(RecordedCostUsd) { [model] = RecordedCostUsd.GetValueOrDefault(model) + usd };
        var recent = response.Id is null ? Recent : [counted, .. Recent.Where(r => r.Id != response.Id).Take(MaxRecentIds - 1)];
        return this with
        {
            Tokens = tokens, Responses = seen is null ? Responses + 1 : Responses, Context = (model, response.Context), Recent = recent,
            RecordedCostUsd = recorded,
            ContextWindow = response.ContextWindow is { } window ? (model, window) : ContextWindow,
        };
    }

    /// <summary>Every token counted; it stops at long.MaxValue rather than wrap.</summary>
    public long TotalTokens => Tokens.Values.Aggregate(0L, Plus);

    /// <summary>A sum that stops at long.MaxValue: a counter must never wrap to a negative (a reset to Prometheus).</summary>
    public static long Plus(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
}
