using System.Buffers;
using System.Text;

namespace FleetExporter.Operator;

/// <summary>
/// The bytes an argument had on the command line. .NET decodes argv as UTF-8 and puts U+FFFD in place of every
/// invalid sequence without a word, so a message with a stray Latin-1 byte would be sent altered. The raw bytes
/// are in <c>/proc/self/cmdline</c>.
/// </summary>
public static class ArgumentBytes
{
    public const string CommandLineFile = "/proc/self/cmdline";

    /// <summary>
    /// Why the command-line argument that .NET parsed as <paramref name="value"/> was not valid UTF-8, or null. Only
    /// a value holding U+FFFD can come from invalid bytes; then the raw argument is read from /proc. Null also
    /// when it cannot be found there (a response file), since nothing is known then.
    /// </summary>
    public static string? Utf8Problem(string value)
    {
        if (!value.Contains('\uFFFD')) return null;
        byte[] cmdline;
        try { cmdline = File.ReadAllBytes(CommandLineFile); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return Utf8Problem(cmdline, Environment.GetCommandLineArgs(), value);
    }

    /// <summary>
    /// Pure: the raw arguments (<paramref name="cmdline"/>, NUL-separated as /proc gives them) end with the ones
    /// .NET decoded (<paramref name="decoded"/>, which lacks the host's own leading arguments such as
    /// <c>dotnet</c>), so the raw argument at the same place from the end is the one each decoded argument came from.
    /// Every decoded argument equal to <paramref name="value"/> is checked.
    /// </summary>
    public static string? Utf8Problem(ReadOnlySpan<byte> cmdline, IReadOnlyList<string> decoded, string value)
    {
        var raw = Split(cmdline);
        var offset = raw.Count - decoded.Count;
        if (offset < 0) return null;
        for (var i = 0; i < decoded.Count; i++)
            if (decoded[i] == value && InvalidAt(raw[i + offset]) is { } at)
                return $"the message is not valid UTF-8 (byte 0x{raw[i + offset][at]:X2} at byte {at}); it would be sent with U+FFFD in place of its bytes";
        return null;
    }

    /// <summary>The offset of the first byte that does not begin a valid UTF-8 sequence, or null when all are valid.</summary>
    public static int? InvalidAt(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (at < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[at..], out _, out var consumed) != OperationStatus.Done) return at;
            at += consumed;
        }
        return null;
    }

    private static List<byte[]> Split(ReadOnlySpan<byte> cmdline)
    {
        var args = new List<byte[]>();
        if (cmdline.Length > 0 && cmdline[^1] == 0) cmdline = cmdline[..^1];
        if (cmdline.IsEmpty) return args;
        foreach (var range in cmdline.Split((byte)0))
            args.Add(cmdline[range].ToArray());
        return args;
    }
}
