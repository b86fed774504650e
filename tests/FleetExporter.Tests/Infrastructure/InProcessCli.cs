using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using FleetExporter.Cli;
using FleetExporter.Subprocess;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// fleet-exporter's command line run in this process: the <see cref="FleetCli.RunAsync"/> the binary's one line of
/// Main calls, with the console's output and error captured for this call alone, for the commands whose behaviour
/// does not depend on being a process of their own (<c>ps</c>, <c>heartbeat</c>, <c>send</c>, <c>--help</c>,
/// <c>--version</c>). It saves a .NET start-up per call. Everything that is about the process stays on
/// <see cref="FleetBinary"/>: an environment of its own, stdin, signals, the raw bytes of argv (a send of invalid
/// UTF-8), <c>hook</c> (it sets a process-wide switch), <c>serve</c>, <c>watch</c>, <c>demo</c>, <c>init</c>, <c>hooks</c>.
/// </summary>
public static class InProcessCli
{
    private static readonly string[] Commands = ["ps", "heartbeat", "send"];

    public static async Task<ProcessOutput> RunAsync(IReadOnlyList<string> args, TimeSpan? timeout = null)
    {
        if (!InProcess(args))
            throw new ArgumentException($"run `{string.Join(' ', args)}` through FleetBinary: only {string.Join(", ", Commands)}, --help and --version run in-process", nameof(args));
        var watch = Stopwatch.StartNew();
        var console = new CapturedConsole();
        // Set inside this async method, the capture flows into the command and ends with this call.
        ConsoleRouting.Current.Value = console;
        var code = await Task.Run(() => FleetCli.RunAsync([.. args], interactive: false)).WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return new ProcessOutput(code, console.Out.ToString(), console.Error.ToString(), watch.Elapsed);
    }

    /// <summary>In this process when the command may run here, else the real binary (<see cref="FleetBinary"/>).</summary>
    public static Task<ProcessOutput> RunOrSpawnAsync(IReadOnlyList<string> args) =>
        InProcess(args) ? RunAsync(args) : FleetBinary.RunAsync(args);

    /// <summary>The command this command line runs is one that may run in-process.</summary>
    public static bool InProcess(IReadOnlyList<string> args)
    {
        if (args.Any(a => a is "--help" or "-h" or "-?" or "--version")) return !args.Contains("hook");
        var command = args.Where((a, i) => !a.StartsWith('-') && (i == 0 || args[i - 1] != "--roster")).FirstOrDefault();
        return command is not null && Commands.Contains(command);
    }

    internal sealed class CapturedConsole
    {
        public StringWriter Out { get; } = new(new StringBuilder()) { NewLine = "\n" };
        public StringWriter Error { get; } = new(new StringBuilder()) { NewLine = "\n" };
    }
}

/// <summary>
/// Console.Out and Console.Error for the whole test process, each passing what it is given to the capture of the
/// in-process command running on this async flow (<see cref="InProcessCli"/>), or to the real stream when there is none.
/// </summary>
internal static class ConsoleRouting
{
    public static readonly AsyncLocal<InProcessCli.CapturedConsole?> Current = new();

    [ModuleInitializer]
    internal static void Install()
    {
        Console.SetOut(new RoutingWriter(Console.Out, c => c.Out));
        Console.SetError(new RoutingWriter(Console.Error, c => c.Error));
    }

    // Console.SetOut wraps this in a synchronized writer: no lock of its own.
    private sealed class RoutingWriter(TextWriter real, Func<InProcessCli.CapturedConsole, TextWriter> pick) : TextWriter
    {
        private TextWriter Target => Current.Value is { } captured ? pick(captured) : real;

        public override Encoding Encoding => real.Encoding;

        public override void Write(char value) => Target.Write(value);
        public override void Write(string? value) => Target.Write(value);
        public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);
        public override void Write(ReadOnlySpan<char> buffer) => Target.Write(buffer);
        public override void WriteLine(string? value) => Target.WriteLine(value);
        public override void WriteLine() => Target.WriteLine();
        public override void Flush() => Target.Flush();
    }
}
