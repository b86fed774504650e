using System.Text.RegularExpressions;
using FleetExporter.Agents.Panes;
using FleetExporter.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FleetExporter.Roster;

public static partial class RosterLoader
{
    /// <summary>Walks the YAML tree, keeping the path of keys for error messages.</summary>
    private sealed partial class Reader(string file)
    {
        private static readonly string[] TopKeys = ["tenant", "host", "heartbeat", "systemd", "tmux", "runtimes", "include", "exclude", "agents", "send_journal", "prices", "budgets", "context_windows"];
        private static readonly string[] HeartbeatKeys = ["dir", "interval"];
        private static readonly string[] SystemdKeys = ["scope", "unit_template", "linger_dir", "unit_file_state_max_age"];
        private static readonly string[] TmuxKeys = ["socket_name", "socket_path"];
        private static readonly string[] RuntimeKeys = ["commands", "match", "prompts", "states", "command_prefixes"];
        private static readonly string[] StateKeys = ["waiting", "working", "idle", "starting", "ready"];
        private static readonly string[] AgentKeys = ["name", "runtime", "unit", "session", "tenant", "heartbeat_interval", "hooks", "budget_usd_per_day"];

        public FleetRoster ReadRoster(YamlMappingNode root)
        {
            CheckKeys(root, "", TopKeys);
            var tenant = OptionalString(root, "tenant", "") ?? "default";
            if (!AgentName().IsMatch(tenant))
                throw Error(Value(root, "tenant"), "tenant", $"{Q(tenant)} is not a valid tenant (letters, digits, '_' and '-', up to 63)");
            var host = OptionalString(root, "host", "") ?? HostName();
            if (!HostLabel().IsMatch(host))
                throw Error(Value(root, "host"), "host", $"{Q(host)} is not a valid host name (letters, digits, '.', '_' and '-', starting with a letter or digit, up to 253)");

            var hb = OptionalMapping(root, "heartbeat", "");
            if (hb is not null) CheckKeys(hb, "heartbeat.", HeartbeatKeys);
            var heartbeat = new HeartbeatSettings(
                ExpandHome(OptionalString(hb, "dir", "heartbeat.") ?? DefaultHeartbeatDirectory()),
                OptionalDuration(hb, "interval", "heartbeat.") ?? TimeSpan.FromSeconds(30));

            var sd = OptionalMapping(root, "systemd", "");
            if (sd is not null) CheckKeys(sd, "systemd.", SystemdKeys);
            var scopeText = OptionalString(sd, "scope", "systemd.") ?? "user";
            var scope = scopeText switch
            {
                "user" => SystemdScope.User,
                "system" => SystemdScope.System,
                _ => throw Error(Value(sd!, "scope"), "systemd.scope", $"{Q(scopeText)} is not a scope; use user or system"),
            };
            var template = OptionalString(sd, "unit_template", "systemd.") ?? "fleet-agent@{name}.service";
            var systemd = new SystemdSettings(
                scope,
                template,
                ExpandHome(OptionalString(sd, "linger_dir", "systemd.") ?? "/var/lib/systemd/linger"),
                OptionalDuration(sd, "unit_file_state_max_age", "systemd.") ?? TimeSpan.FromSeconds(60));

            var tm = OptionalMapping(root, "tmux", "");
            if (tm is not null) CheckKeys(tm, "tmux.", TmuxKeys);
            var socketName = OptionalString(tm, "socket_name", "tmux.");
            var socketPath = OptionalString(tm, "socket_path", "tmux.");
            if (socketName is not null && socketPath is not null)
                throw Error(Value(tm!, "socket_path"), "tmux.socket_path", "give socket_name or socket_path, not both");
            if (socketName is not null && (socketName.Contains('/') || socketName.Length == 0))
                throw Error(Value(tm!, "socket_name"), "tmux.socket_name", "a socket name may not contain '/'; use socket_path for a path");
            var tmux = new TmuxSettings(socketName, socketPath is null ? null : ExpandHome(socketPath));

            var runtimes = new Dictionary<string, RuntimeSpec>(BuiltInRuntimes.All);
            if (OptionalMapping(root, "runtimes", "") is { } rts)
                foreach (var (keyNode, valueNode) in rts.Children)
                {
                    var name = (keyNode as YamlScalarNode)?.Value
                        ?? throw Error(keyNode, "runtimes", "a runtime's name must be a plain string");
                    runtimes[name] = ReadRuntime(name, keyNode, valueNode);
                }

            var include = Globs(root, "include");
            var exclude = Globs(root, "exclude");

            if (!root.Children.TryGetValue(new YamlScalarNode("agents"), out var agentsNode))
                throw Error(root, "agents", "missing: the roster needs an `agents:` list (it may be empty: `agents: []`)");
            if (agentsNode is not YamlSequenceNode agentList)
                throw Error(agentsNode, "agents", "expected a list of agents");

            var budgets = ReadBudgets(root);
            var agents = new List<AgentSpec>();
            var seen = new Dictionary<string, (string Kind, int Line)>();
            for (var i = 0; i < agentList.Children.Count; i++)
            {
                var agent = ReadAgent(agentList.Children[i], $"agents[{i}]", tenant, heartbeat.Interval, template, runtimes);
                agent = agent with { BudgetUsdPerDay = Usd((YamlMappingNode)agentList.Children[i], "budget_usd_per_day", $"agents[{i}]") ?? budgets.AgentDefault };
                Claim(seen, "agent:" + agent.Name, agent, $"agents[{i}].name", $"duplicate agent {Q(agent.Name)}");
                Claim(seen, "unit:" + agent.Unit, agent, $"agents[{i}].unit", $"unit {Q(agent.Unit)} is already used by another agent");
                Claim(seen, "session:" + agent.Session, agent, $"agents[{i}].session", $"session {Q(agent.Session)} is already used by another agent");
                if (Selected(agent.Name, include, exclude)) agents.Add(agent);
            }
            var journal = ExpandHome(OptionalString(root, "send_journal", "") ?? DefaultSendJournal());
            return new FleetRoster(file, host, heartbeat, systemd, tmux, runtimes, agents)
            {
                SendJournal = journal, Prices = ReadPrices(root), TenantBudgetsUsdPerDay = budgets.Tenants,
            };
        }

        private void Claim(Dictionary<string, (string, int)> seen, string key, AgentSpec agent, string path, string problem)
        {
            if (seen.TryGetValue(key, out var first))
                throw new RosterException(file, agent.Line, path, $"{problem} (first at line {first.Item2})");
            seen[key] = (key, agent.Line);
        }

        private static bool Selected(string name, IReadOnlyList<string> include, IReadOnlyList<string> exclude) =>
            (include.Count == 0 || include.Any(g => Glob.Matches(g, name))) && !exclude.Any(g => Glob.Matches(g, name));

        private RuntimeSpec ReadRuntime(string name, YamlNode keyNode, YamlNode node)
        {
            var path = $"runtimes.{name}";
            if (!RuntimeName().IsMatch(name))
                throw Error(keyNode, path, "a runtime name is lowercase letters, digits, '_' and '-'");
            if (node is not YamlMappingNode map)
                throw Error(node, path, "expected a mapping with commands, match, prompts and/or states");
            CheckKeys(map, path + ".", RuntimeKeys);
            var commands = OptionalStringList(map, "commands", path + ".");
            var match = OptionalStringList(map, "match", path + ".").Select((p, i) => ParseRegex(map, "match", path + $".match[{i}]", p)).ToList();
            if (commands.Count == 0 && match.Count == 0)
                throw Error(map, path, "a runtime needs `commands` (process names) or `match` (command-line patterns)");
            var promptTexts = OptionalStringList(map, "prompts", path + ".");
            var prompts = promptTexts.Count == 0
                ? new List<Regex> { BuiltInRuntimes.DefaultPrompt }
                : promptTexts.Select((p, i) => ParsePrompt(map, path + $".prompts[{i}]", i, p)).ToList();
            var prefixes = map.Children.ContainsKey(new YamlScalarNode("command_prefixes"))
                ? OptionalStringList(map, "command_prefixes", path + ".")
                : BuiltInRuntimes.All.GetValueOrDefault(name)?.CommandPrefixes ?? [];
            if (prefixes.FirstOrDefault(p => p.Trim().Length == 0) is not null)
                throw Error(Value(map, "command_prefixes"), path + ".command_prefixes", "a command prefix cannot be empty or blank");
            // What a runtime needs to be sent text safely stays the built-in's: how it takes a paste.
            return new RuntimeSpec(name, commands, match, prompts, ReadStates(map, path, name))
            {
                CommandPrefixes = prefixes, Paste = BuiltInRuntimes.All.GetValueOrDefault(name)?.Paste ?? PasteStyle.Default,
            };
        }

        /// <summary>`states:` patterns per state; without it a built-in runtime keeps its own screens, a new one has none.</summary>
        private PaneRecognizer ReadStates(YamlMappingNode runtime, string path, string name)
        {
            var states = OptionalMapping(runtime, "states", path + ".");
            if (states is null) return BuiltInRuntimes.All.GetValueOrDefault(name)?.States ?? PaneRecognizer.None;
            CheckKeys(states, path + ".states.", StateKeys);
            // Screens are read line by line: ^ and $ anchor at each line, as an operator writing `^mybot> ` expects.
            List<Regex> Patterns(string state) => OptionalStringList(states, state, path + ".states.")
                .Select((p, i) => ParseRegex(states, state, path + $".states.{state}[{i}]", "(?m)" + p)).ToList();
            // Without its own `ready`, a built-in runtime keeps the built-in empty-box patterns: send stays fail-closed.
            var ready = Patterns("ready");
            return new PaneRecognizer(Patterns("waiting"), Patterns("working"), Patterns("idle"), Patterns("starting"))
            {
                Ready = ready.Count > 0 ? ready : BuiltInRuntimes.All.GetValueOrDefault(name)?.States.Ready ?? [],
            };
        }

        /// <summary>
        /// An input-line pattern: what its <c>input</c> group captures is the unsubmitted text, so a pattern without
        /// that group would read every input line as empty and take a draft for an accepted message.
        /// </summary>
        private Regex ParsePrompt(YamlMappingNode map, string path, int index, string pattern)
        {
            var regex = ParseRegex(map, "prompts", path, pattern);
            if (!regex.GetGroupNames().Contains("input", StringComparer.Ordinal))
                throw Error(((YamlSequenceNode)Value(map, "prompts")).Children[index], path,
                    "a prompt pattern needs a named group `input` for the text typed after the prompt, such as '^> (?<input>.*)$'");
            return regex;
        }

        private Regex ParseRegex(YamlMappingNode map, string key, string path, string pattern)
        {
            try { return new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200)); }
            catch (ArgumentException e) { throw Error(Value(map, key), path, $"not a valid regular expression: {e.Message}"); }
        }

        private AgentSpec ReadAgent(YamlNode node, string path, string tenant, TimeSpan interval, string template,
            IReadOnlyDictionary<string, RuntimeSpec> runtimes)
        {
            if (node is not YamlMappingNode map)
                throw Error(node, path, "expected a mapping with at least name and runtime");
            CheckKeys(map, path + ".", AgentKeys);
            var name = OptionalString(map, "name", path + ".") ?? throw Error(map, path + ".name", "missing: every agent needs a name");
            if (!AgentName().IsMatch(name))
                throw Error(Value(map, "name"), path + ".name",
                    $"{Q(name)} cannot name a tmux session and a systemd unit: use letters, digits, '_' and '-', starting with a letter or digit, up to 63");
            var runtime = OptionalString(map, "runtime", path + ".") ?? throw Error(map, path + ".runtime", $"missing: agent {Q(name)} needs a runtime ({string.Join(", ", runtimes.Keys.Order())})");
            if (!runtimes.ContainsKey(runtime))
                throw Error(Value(map, "runtime"), path + ".runtime", $"unknown runtime {Q(runtime)} (known: {string.Join(", ", runtimes.Keys.Order())})");

            var unit = OptionalString(map, "unit", path + ".") ?? template.Replace("{name}", name);
            if (!UnitName().IsMatch(unit))
                throw Error(map.Children.ContainsKey(new YamlScalarNode("unit")) ? Value(map, "unit") : map, path + ".unit",
                    $"{Q(unit)} is not a valid systemd unit name (letters, digits, ':_.\\@-', ending in .service)");
            var session = OptionalString(map, "session", path + ".") ?? name;
            if (!SessionName().IsMatch(session))
                throw Error(Value(map, "session"), path + ".session",
                    $"{Q(session)} cannot be an exact tmux session name: no '.', ':', spaces, or leading '=' / '$'");
            var agentTenant = OptionalString(map, "tenant", path + ".") ?? tenant;
            if (!AgentName().IsMatch(agentTenant))
                throw Error(Value(map, "tenant"), path + ".tenant", $"{Q(agentTenant)} is not a valid tenant");
            var agentInterval = OptionalDuration(map, "heartbeat_interval", path + ".") ?? interval;
            var hooks = OptionalBool(map, "hooks", path + ".") ?? false;
            return new AgentSpec(name, runtime, unit, session, agentTenant, agentInterval, Line(map), hooks);
        }

        private void CheckKeys(YamlMappingNode map, string prefix, string[] known)
        {
            foreach (var key in map.Children.Keys)
            {
                var name = (key as YamlScalarNode)?.Value;
                if (name is null || !known.Contains(name))
                    throw Error(key, prefix + (name is null ? "?" : Printable.Cut(name)), $"unknown key (known here: {string.Join(", ", known)})");
            }
        }

        private YamlNode Value(YamlMappingNode map, string key) => map.Children[new YamlScalarNode(key)];

        private string? OptionalString(YamlMappingNode? map, string key, string prefix)
        {
            if (map is null || !map.Children.TryGetValue(new YamlScalarNode(key), out var node)) return null;
            if (IsNull(node)) return null;
            if (node is not YamlScalarNode scalar || scalar.Value is null)
                throw Error(node, prefix + key, "expected a single value");
            if (scalar.Value.Length == 0) throw Error(node, prefix + key, "may not be empty");
            return scalar.Value;
        }

        private YamlMappingNode? OptionalMapping(YamlMappingNode map, string key, string prefix)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node)) return null;
            if (IsNull(node)) return null;
            return node as YamlMappingNode ?? throw Error(node, prefix + key, "expected a mapping");
        }

        private List<string> OptionalStringList(YamlMappingNode map, string key, string prefix)
        {
            if (!map.Children.TryGetValue(new YamlScalarNode(key), out var node)) return [];
            if (node is not YamlSequenceNode seq) throw Error(node, prefix + key, "expected a list");
            return seq.Children.Select((c, i) => c is YamlScalarNode { Value: { Length: > 0 } v } && !IsNull(c)
                ? v : throw Error(c, $"{prefix}{key}[{i}]", "expected a non-empty string")).ToList();
        }

        private bool? OptionalBool(YamlMappingNode map, string key, string prefix) => OptionalString(map, key, prefix) switch
        {
            null => null,
            "true" => true,
            "false" => false,
            var text => throw Error(Value(map, key), prefix + key, $"{Q(text)} is not true or false"),
        };

        private TimeSpan? OptionalDuration(YamlMappingNode? map, string key, string prefix)
        {
            var text = OptionalString(map, key, prefix);
            if (text is null) return null;
            return Durations.TryParse(text, out var value)
                ? value
                : throw Error(Value(map!, key), prefix + key, $"{Q(text)} is not a duration; use a positive value such as 500ms, 30s, 5m, 1h");
        }

        private RosterException Error(YamlNode node, string key, string problem) => new(file, Line(node), key, problem);

        /// <summary>A value quoted in an error: cut to 100 characters, control characters escaped.</summary>
        private static string Q(string value) => Printable.Quote(value);

        /// <summary>YAML's null (<c>key:</c>, <c>~</c>, <c>null</c> unquoted) means unset, for every key; a quoted "null" is the string.</summary>
        private static bool IsNull(YamlNode node) =>
            node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

        /// <summary>
        /// include/exclude: globs over agent names with '*' (any run) and '?' (one character). Anything else a shell
        /// glob knows ([classes], {alternatives}, escapes) is refused rather than silently matching nothing.
        /// </summary>
        private List<string> Globs(YamlMappingNode root, string key)
        {
            var globs = OptionalStringList(root, key, "");
            for (var i = 0; i < globs.Count; i++)
                if (!GlobShape().IsMatch(globs[i]))
                    throw Error(((YamlSequenceNode)Value(root, key)).Children[i], $"{key}[{i}]",
                        $"{Q(globs[i])} is not a supported glob: globs match agent names with only '*' and '?' (letters, digits, '_' and '-' match themselves)");
            return globs;
        }

        private static string HostName()
        {
            try { return System.Net.Dns.GetHostName(); }
            catch (System.Net.Sockets.SocketException) { return Environment.MachineName; }
        }
    }
}
