using System.Buffers.Binary;
using Xunit.Abstractions;

namespace FleetExporter.Tests.Infrastructure;

/// <summary>
/// The browser tests' screenshots, kept as test artifacts in tests/FleetExporter.Tests/TestResults/screenshots/
/// (git-ignored, beside dotnet test's own TestResults), each path printed in the test's output.
/// </summary>
public static class Screenshots
{
    public static string Folder => RepoPaths.Of("tests", "FleetExporter.Tests", "TestResults", "screenshots");

    /// <summary>Takes the viewport as a PNG, checks it is one and <paramref name="width"/> pixels wide, and keeps it.</summary>
    public static async Task<string> KeepAsync(BrowserPage page, string name, int width, ITestOutputHelper output)
    {
        var png = await page.ScreenshotAsync();
        Assert.True(png.Length > 24 && png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }),
            $"the screenshot {name} is not a PNG ({png.Length} bytes)");
        // The first chunk is IHDR: its width and height are big-endian at bytes 16 and 20.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await File.WriteAllBytesAsync(path, png);
        output.WriteLine($"screenshot: {path}");
        return path;
    }
}
