using FleetExporter.Web;

namespace FleetExporter.Tests.Web;

public sealed class BcryptHashTests
{
    [Theory]
    [InlineData("$2y$04$abcdefghijklmnopqrstuvABCDEFGHIJKLMNOPQRSTUVWXYZ01234")]
    [InlineData("$2a$04$............................/////////////////////////")]
    [InlineData("$2b$04$9999999999999999999999zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    [InlineData("$2x$04$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi")]
    public void Every_hash_that_loads_can_be_verified_without_an_error(string text)
    {
        var hash = BcryptHash.Parse(text);

        Assert.False(BCrypt.Net.BCrypt.Verify("anything", hash.Text));
        Assert.Equal(4, hash.Cost);
    }

    [Fact]
    public void The_dummy_hash_has_the_cost_asked_for_and_verifies_nothing()
    {
        var dummy = BcryptHash.Dummy(5);

        Assert.Equal(5, BcryptHash.Parse(dummy.Text).Cost);
        Assert.False(BCrypt.Net.BCrypt.Verify("s3cret", dummy.Text));
    }

    [Fact]
    public void A_real_htpasswd_style_hash_loads_with_its_cost()
    {
        var text = BCrypt.Net.BCrypt.HashPassword("s3cret", workFactor: 5).Replace("$2a$", "$2y$");

        Assert.Equal(5, BcryptHash.Parse(text).Cost);
        Assert.True(BCrypt.Net.BCrypt.Verify("s3cret", text));
    }
}
