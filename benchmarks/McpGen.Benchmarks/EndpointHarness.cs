using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using McpGen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using QuickStart;

namespace McpGen.Benchmarks;

/// <summary>
/// The QuickStart server's MCP endpoint outside Kestrel: the service provider is built with the sample's own
/// registration, the endpoint is created by the runtime's own <c>MapMcp</c>, and its request delegate is invoked
/// directly on reusable HTTP contexts (no sockets, no HTTP parser, no routing middleware).
/// </summary>
internal sealed class EndpointHarness : IDisposable
{
    private readonly ServiceProvider _provider;

    public EndpointHarness()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddQuickStart();
        services.AddRouting();
        _provider = services.BuildServiceProvider();

        var routes = new BenchRouteBuilder(_provider);
        routes.MapMcp<QuickStartServer>("/mcp");
        RouteEndpoint endpoint = routes.DataSources.SelectMany(source => source.Endpoints).OfType<RouteEndpoint>().Single();
        Handler = endpoint.RequestDelegate ?? throw new InvalidOperationException("MapMcp produced an endpoint without a request delegate.");
    }

    /// <summary>The request delegate MapMcp registered: what Kestrel runs after routing picks the endpoint.</summary>
    public RequestDelegate Handler { get; }

    /// <summary>Creates a reusable request: fixed headers and body, a response buffer reset before each call.</summary>
    public BenchRequest CreateRequest(byte[] body, params (string Name, string Value)[] headers)
        => new(body, headers, _provider.GetRequiredService<IServiceScopeFactory>());

    public void Dispose()
    {
        _provider.Dispose();
    }

    /// <summary>Just enough of an <see cref="IEndpointRouteBuilder"/> for <c>MapMcp</c>.</summary>
    private sealed class BenchRouteBuilder(IServiceProvider services) : IEndpointRouteBuilder
    {
        public IServiceProvider ServiceProvider { get; } = services;

        public ICollection<EndpointDataSource> DataSources { get; } = new List<EndpointDataSource>();

        public IApplicationBuilder CreateApplicationBuilder() => new ApplicationBuilder(ServiceProvider);
    }
}

/// <summary>
/// One HTTP exchange, reused for every invocation (as Kestrel pools its contexts): the request body is replayed from a
/// pre-encoded array and the response body goes to a growable buffer that is rewound, so the harness itself allocates
/// nothing per call and every allocated byte measured belongs to the endpoint. Request services behave as under
/// ASP.NET Core hosting: a DI scope is created only if the endpoint reads <c>HttpContext.RequestServices</c>, and it is
/// disposed when the next call starts (hosting disposes it when the response completes).
/// </summary>
internal sealed class BenchRequest
{
    private readonly byte[] _body;
    private readonly MemoryStream _bodyStream;
    private readonly ReplayPipeReader _bodyReader;
    private readonly HttpResponseFeature _response;
    private readonly BufferResponseBody _responseBody;
    private readonly ItemsFeature _items;

    private readonly FeatureCollection _features;

    public BenchRequest(byte[] body, (string Name, string Value)[] headers, IServiceScopeFactory scopeFactory)
    {
        _body = body;
        _bodyStream = new MemoryStream(body, writable: false);
        _bodyReader = new ReplayPipeReader(body);
        var request = new HttpRequestFeature
        {
            Method = HttpMethods.Post,
            Scheme = "http",
            Protocol = "HTTP/1.1",
            PathBase = string.Empty,
            Path = "/mcp",
            QueryString = string.Empty,
            RawTarget = "/mcp",
            Body = _bodyStream,
        };
        request.Headers.Host = "127.0.0.1:5000";
        request.Headers.ContentLength = body.Length;
        foreach ((string name, string value) in headers)
        {
            request.Headers[name] = value;
        }

        _response = new HttpResponseFeature { Headers = new ResponseHeaders() };
        _responseBody = new BufferResponseBody();
        _items = new ItemsFeature();

        var features = _features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IRequestBodyPipeFeature>(_bodyReader);
        features.Set<IHttpResponseFeature>(_response);
        features.Set<IHttpResponseBodyFeature>(_responseBody);
        features.Set<IItemsFeature>(_items);
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature
        {
            ConnectionId = "bench",
            LocalIpAddress = IPAddress.Loopback,
            LocalPort = 5000,
            RemoteIpAddress = IPAddress.Loopback,
            RemotePort = 50000,
        });
        features.Set<IHttpRequestLifetimeFeature>(new HttpRequestLifetimeFeature());
        Context = new DefaultHttpContext(features) { ServiceScopeFactory = scopeFactory };
    }

    public DefaultHttpContext Context { get; }

    public int StatusCode => _response.StatusCode;

    public IHeaderDictionary ResponseHeaders => _response.Headers;

    public ReadOnlySpan<byte> ResponseBody => _responseBody.Written;

    /// <summary>Rewinds the request body and clears the response (allocation-free).</summary>
    public DefaultHttpContext Reset()
    {
        if (_features.Get<IServiceProvidersFeature>() is IDisposable requestServices)
        {
            // What hosting does when a response completes: dispose the request's DI scope, if one was created.
            requestServices.Dispose();
            _features.Set<IServiceProvidersFeature>(null);
        }

        _bodyStream.Position = 0;
        _bodyReader.Reset(_body);
        _response.StatusCode = StatusCodes.Status200OK;
        _response.ReasonPhrase = null;
        _response.Headers.Clear();
        _responseBody.Reset();
        if (_items.Items.Count > 0)
        {
            _items.Items.Clear();
        }

        return Context;
    }

    /// <summary>A request body reader that hands out the whole pre-encoded body as one completed segment.</summary>
    private sealed class ReplayPipeReader(byte[] body) : PipeReader, IRequestBodyPipeFeature
    {
        private ReadOnlySequence<byte> _remaining = new(body);

        public PipeReader Reader => this;

        public void Reset(byte[] data) => _remaining = new ReadOnlySequence<byte>(data);

        public override bool TryRead(out ReadResult result)
        {
            result = new ReadResult(_remaining, isCanceled: false, isCompleted: true);
            return true;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
            => new(new ReadResult(_remaining, isCanceled: false, isCompleted: true));

        public override void AdvanceTo(SequencePosition consumed) => _remaining = _remaining.Slice(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => _remaining = _remaining.Slice(consumed);

        public override void CancelPendingRead()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }

    /// <summary>A response body (stream and pipe) over one growable buffer that is rewound per call.</summary>
    private sealed class BufferResponseBody : IHttpResponseBodyFeature
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);

        public BufferResponseBody()
        {
            Stream = new BufferStream(_buffer);
            Writer = new BufferPipeWriter(_buffer);
        }

        public Stream Stream { get; }

        public PipeWriter Writer { get; }

        public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

        public void Reset() => _buffer.ResetWrittenCount();

        public void DisableBuffering()
        {
        }

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default)
            => throw new NotSupportedException();

        public Task CompleteAsync() => Task.CompletedTask;
    }

    private sealed class BufferPipeWriter(ArrayBufferWriter<byte> buffer) : PipeWriter
    {
        private static readonly ValueTask<FlushResult> Flushed = new(new FlushResult(isCanceled: false, isCompleted: false));

        public override void Advance(int bytes) => buffer.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => buffer.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => buffer.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => Flushed;

        public override ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
        {
            buffer.Write(source.Span);
            return Flushed;
        }

        public override void CancelPendingFlush()
        {
        }

        public override void Complete(Exception? exception = null)
        {
        }
    }

    private sealed class BufferStream(ArrayBufferWriter<byte> buffer) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => buffer.WrittenCount;

        public override long Position
        {
            get => buffer.WrittenCount;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] data, int offset, int count) => buffer.Write(data.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> data) => buffer.Write(data);

        public override Task WriteAsync(byte[] data, int offset, int count, CancellationToken cancellationToken)
        {
            buffer.Write(data.AsSpan(offset, count));
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            buffer.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] data, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
