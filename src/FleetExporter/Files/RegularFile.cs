namespace FleetExporter.Files;

/// <summary>
/// Reads a small file named by the operator (the web config, a certificate, a key) without ever blocking or
/// swallowing a device (<see cref="NonBlockingFile.ReadRegular"/>): a FIFO would otherwise hang start-up silently and
/// <c>/dev/zero</c> fill the memory. Failures are an <see cref="IOException"/> with a plain reason.
/// </summary>
internal static class RegularFile
{
    public const int MaxBytes = 1 << 20;

    public static byte[] ReadAll(string path, int maxBytes = MaxBytes)
    {
        try { return NonBlockingFile.ReadRegular(path, maxBytes); }
        catch (FileNotFoundException) { throw new IOException("no such file"); }
        catch (UnauthorizedAccessException) { throw new IOException("permission denied"); }
        catch (NotRegularFileException e) when (e.Kind == "a directory") { throw new IOException("is a directory, not a file"); }
        catch (FileTooLargeException) { throw new IOException($"over {maxBytes / 1024} KiB, too big for this file"); }
    }
}
