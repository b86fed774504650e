namespace FleetExporter.Web;

/// <summary>
/// The outermost middleware: an exception from any page (a collection that throws, a roster that cannot be read)
/// is answered 500 with one plain line saying what failed, and logged as one line, never as a stack trace.
/// </summary>
public static class ErrorGuard
{
    public static void UseErrorGuard(this WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FleetExporter.Web");
        app.Use(async (ctx, next) =>
        {
            try { await next(); }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
            catch (Exception e)
            {
                var what = $"{ctx.Request.Method} {ctx.Request.Path}: {e.GetType().Name}: {e.Message}";
                log.LogError("request failed: {What}", what.ReplaceLineEndings(" "));
                if (ctx.Response.HasStarted) { ctx.Abort(); return; }
                ctx.Response.Clear();
                ctx.Response.StatusCode = StatusCodes.Status500InternalServerError;
                ctx.Response.ContentType = "text/plain; charset=utf-8";
                await ctx.Response.WriteAsync($"internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}\n");
            }
        });
    }
}
