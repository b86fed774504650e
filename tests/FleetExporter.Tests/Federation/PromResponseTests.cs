using FleetExporter.Federation;

namespace FleetExporter.Tests.Federation;

/// <summary>
/// A Prometheus answer that is not what the API promises is a PrometheusException (ps exits 7 with its text), never a
/// trace and exit 1: a duplicate label, a sample time of 1e300, a null or missing value.
/// </summary>
public sealed class PromResponseTests
{
    private static string Vector(string result) => """{"status":"success","data":{"resultType":"vector","result":[""" + result + "]}}";
    private static string Matrix(string result) => """{"status":"success","data":{"resultType":"matrix","result":[""" + result + "]}}";

    [Theory]
    [InlineData("""{"metric":{"host":"a","host":"b"},"value":[1.5,"1"]}""")]
    [InlineData("""{"metric":{"host":"a"},"value":[1.5,null]}""")]
    [InlineData("""{"metric":{"host":"a"},"value":[1.5]}""")]
    [InlineData("""{"metric":{"host":null},"value":[1.5,"x"]}""")]
    public void A_vector_sample_that_breaks_the_API_is_refused_with_its_reason(string sample)
    {
        Assert.Throws<PrometheusException>(() => PromResponse.Vector(Vector(sample)));
    }

    [Theory]
    [InlineData("""{"metric":{"host":"a"},"values":[[1e300,"1"]]}""")]
    [InlineData("""{"metric":{"host":"a"},"values":[[-1e300,"1"]]}""")]
    [InlineData("""{"metric":{"host":"a","host":"a"},"values":[[1.5,"1"]]}""")]
    public void A_matrix_sample_that_breaks_the_API_is_refused_with_its_reason(string series)
    {
        Assert.Throws<PrometheusException>(() => PromResponse.Matrix(Matrix(series)));
    }

    [Fact]
    public void A_good_answer_still_parses()
    {
        var v = Assert.Single(PromResponse.Vector(Vector("""{"metric":{"host":"a"},"value":[1.5,"2"]}""")));
        Assert.Equal(("a", 2.0), (v.Labels["host"], v.Value));
    }
}
