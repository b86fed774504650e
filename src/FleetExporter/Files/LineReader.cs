using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace FleetExporter.Files;

/// <summary>Whole lines of a file from an offset, in bounded chunks, with the place to go on from next time.</summary>
public static class LineReader
{
    private const int Chunk = 1024 * 1024;

    /// <summary>The longest line read (a carry line of many agents can pass a chunk); a longer one is skipped.</summary>
    public const int MaxLine = 16 * 1024 * 1024;

    /// <summary>
    /// Reads whole lines from <paramref name="from"/> up to <paramref name="budget"/> bytes and at most to
    /// <paramref name="length"/>; returns the offset after the last whole line. A line longer than
    /// <see cref="MaxLine"/> is skipped, and a last line without its newline is left for the next read. A line that
    /// starts the read and is longer than the budget is read (or skipped) whole all the same, so a read always moves on.
    /// </summary>
    public static long Read(SafeFileHandle handle, long from, long length, long budget, Action<ReadOnlySpan<byte>, long> line)
    {
        var stop = Math.Min(length, from + budget);
        if (stop <= from) return from;
        var size = (int)Math.Min(Chunk, stop - from);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var offset = from;   // where the bytes in buffer[0..kept] start
        var kept = 0;
        var skipping = false;
        try
        {
            while (offset + kept < stop)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(kept, (int)Math.Min(size - kept, stop - offset - kept)), offset + kept);
                if (n <= 0) break;
                var filled = kept + n;
                var start = 0;
                for (var i = 0; i < filled; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    if (!skipping) line(buffer.AsSpan(start, i - start), offset + start);
                    skipping = false;
                    start = i + 1;
                }
                if (start == 0 && filled == size)
                {
                    // One line as long as what is left of the budget: read on past the budget, up to MaxLine, so that
                    // it is read or skipped now (else every later read would stop at the same place, for good).
                    if (!skipping && stop - offset <= size && stop < length) stop = Math.Min(length, offset + MaxLine + 1);
                    if (size < MaxLine && !skipping && stop - offset > size)
                    {
                        // One line fills the buffer: a bigger one, up to MaxLine.
                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(MaxLine, Math.Min((long)size * 2, stop - offset)));
                        Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                        size = (int)Math.Min(MaxLine, Math.Min(buffer.Length, stop - offset));
                        kept = filled;
                        continue;
                    }
                    if (size >= MaxLine)
                    {
                        // Longer than any line kept: drop what is read of it and skip to its end.
                        offset += filled;
                        kept = 0;
                        skipping = true;
                        continue;
                    }
                }
                offset += start;
                kept = filled - start;
                Buffer.BlockCopy(buffer, start, buffer, 0, kept);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return skipping ? offset + kept : offset;
    }
}
