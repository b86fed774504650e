using FleetExporter.Sources.Journal;

namespace FleetExporter.Operator;

/// <summary>One classification of a send, with the reason in words.</summary>
public sealed record SendVerdict(SendOutcome Outcome, string Reason);
