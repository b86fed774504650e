using System.Security.Cryptography;
using System.Text;
using FleetExporter.Heartbeats;

namespace FleetExporter.Tests.Heartbeats;

/// <summary>The managed SHA-256 the hook fingerprints prompts with gives the runtime's digests, at every padding edge.</summary>
public sealed class Sha256Tests
{
    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void The_standards_examples_give_their_digests(string text, string digest) => Assert.Equal(digest, Sha256.Hex(text));

    [Fact]
    public void Every_length_around_the_block_edges_gives_the_runtimes_digest()
    {
        var random = new Random(20261207);
        var mine = new byte[32];
        foreach (var length in Enumerable.Range(0, 300).Concat([1000, 4095, 4096, 65_536, 1_000_003]))
        {
            var data = new byte[length];
            random.NextBytes(data);
            Sha256.Hash(data, mine);
            Assert.True(SHA256.HashData(data).AsSpan().SequenceEqual(mine), $"{length} bytes");
        }
    }

    [Fact]
    public void A_prompt_in_any_script_is_hashed_over_its_utf8_bytes()
    {
        const string prompt = "run the tests ✓ — ünïcödé, 日本語, emoji 🚀\nsecond line\ttab";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(prompt))), Sha256.Hex(prompt));
    }
}
