// BareEndpoint: the baseline of benchmarks/load.sh. A slim ASP.NET Core app whose POST /mcp answers, without reading
// the request, the exact response bytes the McpGen server gave to the same request (captured by load.sh), so the
// load test compares McpGen against Kestrel + routing alone with byte-identical responses.
//
//   dotnet BareEndpoint.dll --body response.bin --content-type "application/json" --urls http://127.0.0.1:5001
//
// --read-body true makes it read (and discard) the request body first, as the MCP endpoint must: a diagnostic
// variant that tells Kestrel's body-reading cost apart from McpGen's own work (load.sh: BARE_READS_BODY=1).
//
// Logging is configured exactly like samples/QuickStart (appsettings.json is a copy of the sample's).

var builder = WebApplication.CreateSlimBuilder(args);
string bodyPath = builder.Configuration["body"]
    ?? throw new InvalidOperationException("Pass --body FILE: the response body to serve.");
string contentType = builder.Configuration["content-type"] ?? "application/json";
byte[] body = File.ReadAllBytes(bodyPath);
bool readBody = bool.TryParse(builder.Configuration["read-body"], out bool read) && read;

var app = builder.Build();
RequestDelegate handler = readBody ? ReadThenAnswer : Answer;
app.MapPost("/mcp", handler);
app.MapGet("/healthz", static context => context.Response.WriteAsync("ok"));
app.Run();

Task Answer(HttpContext context)
{
    HttpResponse response = context.Response;
    response.StatusCode = StatusCodes.Status200OK;
    response.ContentType = contentType;
    response.ContentLength = body.Length;
    System.IO.Pipelines.PipeWriter writer = response.BodyWriter;
    body.CopyTo(writer.GetSpan(body.Length));
    writer.Advance(body.Length);
    ValueTask<System.IO.Pipelines.FlushResult> flush = writer.FlushAsync();
    return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
}

async Task ReadThenAnswer(HttpContext context)
{
    System.IO.Pipelines.PipeReader reader = context.Request.BodyReader;
    while (true)
    {
        System.IO.Pipelines.ReadResult result = await reader.ReadAsync(context.RequestAborted);
        reader.AdvanceTo(result.Buffer.End);
        if (result.IsCompleted)
        {
            break;
        }
    }

    await Answer(context);
}
