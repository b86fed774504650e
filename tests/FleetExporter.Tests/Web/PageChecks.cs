using System.Text.Json;
using System.Text.RegularExpressions;
using FleetExporter.Tests.Infrastructure;

namespace FleetExporter.Tests.Web;

/// <summary>What the browser tests check on both pages, read from the DOM as Chromium laid it out.</summary>
public static partial class PageChecks
{
    /// <summary>Each row of the page's first table, its cells' rendered text by column heading.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> RowsAsync(BrowserPage page)
    {
        var rows = await page.EvaluateAsync("""
            (() => {
              const table = document.querySelector('table');
              const head = [...table.querySelectorAll('th')].map(th => th.innerText.trim());
              return [...table.rows].filter(r => r.querySelector('td'))
                .map(r => Object.fromEntries([...r.cells].map((c, i) => [head[i], c.innerText.trim()])));
            })()
            """);
        return [.. rows.EnumerateArray().Select(r => (IReadOnlyDictionary<string, string>)r.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!))];
    }

    /// <summary>
    /// Every demo agent is a row whose state (<paramref name="shows"/>: the metrics' state, the cell's text) and flags in
    /// words agree with the demo's own /metrics; a flag is raised somewhere, so "ok" everywhere cannot pass.
    /// </summary>
    public static void AssertDemoRows(IReadOnlyList<IReadOnlyDictionary<string, string>> rows, string metrics, Func<string?, string, bool> shows)
    {
        Assert.Equal(DemoStack.Agents.Order(), rows.Select(r => r["agent"]).Order());
        foreach (var row in rows)
        {
            var (agent, state, flags) = (row["agent"], DemoMetrics.State(metrics, row["agent"]), DemoMetrics.Flags(metrics, row["agent"]));
            Assert.True(shows(state, row["state"]), $"{agent}: state {state}, shown \"{row["state"]}\"");
            Assert.Matches(FlagsText(), row["flags"]);
            Assert.Equal(flags.Count == 0 ? ["ok"] : flags, row["flags"].Split(' ').Order(StringComparer.Ordinal));
        }
        Assert.Contains(rows, r => r["flags"] == "DRIFT");
    }

    /// <summary>All 1000 generated agents are rows, each with its shape's state (<paramref name="state"/>) and flags.</summary>
    public static void AssertGeneratedRows(IReadOnlyList<IReadOnlyDictionary<string, string>> rows, int count, Func<GeneratedFleet.Shape, string> state)
    {
        Assert.Equal(count, rows.Count);
        var byName = rows.ToDictionary(r => r["agent"]);
        for (var i = 0; i < count; i++)
        {
            var (row, shape) = (byName[GeneratedFleet.Name(i)], GeneratedFleet.ShapeOf(i));
            Assert.Equal((state(shape), shape.Flags), (row["state"], row["flags"]));
        }
    }

    /// <summary>Colour is not alone, a screenshot at 1280 px, readable at 400 px and its screenshot, and no error at all.</summary>
    public static async Task AssertLooksRightAsync(BrowserPage page, string name, Xunit.Abstractions.ITestOutputHelper output)
    {
        await AssertColourIsNotAloneAsync(page);
        await Screenshots.KeepAsync(page, name + "-1280", 1280, output);
        await AssertReadableAsync(page, 400);
        await Screenshots.KeepAsync(page, name + "-400", 400, output);
        AssertNoErrors(page);
    }

    public static void AssertNoErrors(BrowserPage page) => Assert.True(page.Errors.Count == 0, "errors in the browser:\n" + string.Join('\n', page.Errors));

    /// <summary>Loads the page and reads its rows, which must take less than <paramref name="limit"/> (it says how long it took).</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> LoadWithinAsync(BrowserPage page, string url, TimeSpan limit, Xunit.Abstractions.ITestOutputHelper output)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await page.NavigateAsync(url);
        var rows = await RowsAsync(page);
        output.WriteLine($"{url}: {rows.Count} rows loaded and read in {watch.ElapsedMilliseconds} ms");
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, limit);
        return rows;
    }

    /// <summary>A flags cell in words: "ok", flag names, "?" for a flag not decided; never empty.</summary>
    [GeneratedRegex(@"^(ok|\?|[A-Z][A-Z-]+( [A-Z][A-Z-]+)*( \?)?)$")]
    public static partial Regex FlagsText();

    /// <summary>
    /// Readable at this width: the document does not scroll sideways (a wide table scrolls inside its own box, which
    /// fits), no text is smaller than 12 px, every heading is on screen, and the first agent's name is in view.
    /// </summary>
    public static async Task AssertReadableAsync(BrowserPage page, int width)
    {
        await page.SetViewportAsync(width, 900);
        var r = await page.EvaluateAsync("""
            (() => {
              const w = innerWidth;
              const texts = [...document.querySelectorAll('body *')].filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
              const small = texts.filter(e => parseFloat(getComputedStyle(e).fontSize) < 12).map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40));
              const off = [...document.querySelectorAll('h1, h2')].filter(h => { const b = h.getBoundingClientRect(); return b.width === 0 || b.left < 0 || b.right > w + 1; }).map(h => h.innerText);
              const table = document.querySelector('table'), box = table.parentElement, s = getComputedStyle(box);
              const first = table.querySelector('td').getBoundingClientRect();
              return {
                width: w, scrollWidth: document.documentElement.scrollWidth, small, off,
                tableFits: table.getBoundingClientRect().right <= w + 1,
                boxScrolls: ['auto', 'scroll'].includes(s.overflowX) && box.getBoundingClientRect().right <= w + 1,
                firstInView: first.left >= 0 && first.right <= w && first.width > 0
              };
            })()
            """);
        var what = $"at {width} px: {r}";
        Assert.Equal(width, r.GetProperty("width").GetInt32());
        Assert.True(r.GetProperty("scrollWidth").GetInt32() <= width + 1, "the page scrolls sideways " + what);
        Assert.True(r.GetProperty("small").GetArrayLength() == 0, "text under 12 px " + what);
        Assert.True(r.GetProperty("off").GetArrayLength() == 0, "a heading off screen " + what);
        Assert.True(r.GetProperty("tableFits").GetBoolean() || r.GetProperty("boxScrolls").GetBoolean(), "the table neither fits nor scrolls in its own box " + what);
        Assert.True(r.GetProperty("firstInView").GetBoolean(), "the first agent's name is not in view " + what);
    }

    /// <summary>
    /// Colour is never the only sign: every element drawn in a colour other than the body text's, or on a background,
    /// shows text of its own (the state's word, the flag's name, "ok", "?"). Returns the offenders.
    /// </summary>
    public static async Task AssertColourIsNotAloneAsync(BrowserPage page)
    {
        var r = await page.EvaluateAsync("""
            (() => {
              const base = getComputedStyle(document.body).color, out = [];
              let coloured = 0;
              for (const e of document.querySelectorAll('body *')) {
                const s = getComputedStyle(e);
                if (s.color === base && (s.backgroundColor === 'rgba(0, 0, 0, 0)' || s.backgroundColor === 'transparent')) continue;
                coloured++;
                if (e.getClientRects().length && e.innerText.trim() === '') out.push(e.outerHTML.slice(0, 120));
              }
              return { coloured, out };
            })()
            """);
        Assert.True(r.GetProperty("coloured").GetInt32() > 0, "nothing on the page is in colour: this check would see nothing");
        Assert.True(r.GetProperty("out").GetArrayLength() == 0, "coloured elements with no text: " + r.GetProperty("out"));
    }

    /// <summary>
    /// <c>?refresh=1</c> reloads the page by itself (a marker left in the page is gone, and the load count grew);
    /// <c>?refresh=0</c> does not, for three seconds; with no query the page asks for the default period.
    /// </summary>
    public static async Task AssertRefreshAsync(BrowserPage page, string url, string defaultPeriod)
    {
        var separator = url.Contains('?') ? "&" : "?";
        await page.NavigateAsync(url);
        Assert.Equal(defaultPeriod, (await page.EvaluateAsync("document.querySelector('meta[http-equiv=refresh]')?.content ?? 'none'")).GetString());

        await page.NavigateAsync(url + separator + "refresh=1");
        // The marker first: a reload that came before it would leave it on the new page, and the next reload is awaited.
        await page.EvaluateAsync("window.__before = 'kept'");
        var loads = page.Loads;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (page.Loads == loads && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(page.Loads > loads, "with ?refresh=1 the page did not reload within 15 s");
        Assert.Equal("gone", (await MarkerAsync(page)).ToString());
        Assert.Contains("refresh=1", (await page.EvaluateAsync("location.search")).GetString());

        await page.NavigateAsync(url + separator + "refresh=0");
        await page.EvaluateAsync("window.__before = 'kept'");
        loads = page.Loads;
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(loads, page.Loads);
        Assert.Equal("kept", (await MarkerAsync(page)).ToString());
        Assert.Equal("none", (await page.EvaluateAsync("document.querySelector('meta[http-equiv=refresh]')?.content ?? 'none'")).GetString());
    }

    /// <summary>The marker ("kept", or "gone" after a reload), read once the document is complete (a reload in flight has none yet).</summary>
    private static async Task<JsonElement> MarkerAsync(BrowserPage page)
    {
        for (var i = 0; i < 50; i++, await Task.Delay(100))
        {
            try
            {
                var marker = await page.EvaluateAsync("document.readyState === 'complete' ? (window.__before ?? 'gone') : null");
                if (marker.ValueKind == JsonValueKind.String) return marker;
            }
            catch (InvalidOperationException) { }
        }
        throw new TimeoutException("the page never finished loading again");
    }
}
