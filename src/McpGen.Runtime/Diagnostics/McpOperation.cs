using System;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using McpGen.Dispatch;
using McpGen.Protocol;
using Microsoft.AspNetCore.Http;

namespace McpGen.Diagnostics;

/// <summary>
/// The telemetry of one JSON-RPC request while somebody listens (never created otherwise): its server span (parent from
/// <c>params._meta.traceparent</c>/<c>tracestate</c>, else the HTTP request's activity), its start time for
/// <c>mcp.server.operation.duration</c>, and how it ended. The dispatcher starts and stops it around a request; the
/// invoker, the responder and client input report into it through <see cref="Current"/>, which flows with the request.
/// </summary>
internal sealed class McpOperation
{
    private static readonly AsyncLocal<McpOperation?> s_current = new();

    private readonly long _started;
    private readonly string _method;
    private readonly string _protocolVersion;
    private readonly string? _toolName;
    private readonly string? _promptName;
    private readonly string? _protocolVersionOfHttp;
    private readonly McpOperation? _previous;
    private readonly Activity? _previousActivity;
    private string? _errorType;
    private string? _rpcCode;

    private McpOperation(in JsonRpcMessage message, in McpCaller caller)
    {
        _started = Stopwatch.GetTimestamp();
        _previous = s_current.Value;
        _previousActivity = Activity.Current;
        _method = message.MethodText;
        _protocolVersion = caller.Era.Version;
        _protocolVersionOfHttp = HttpVersion(caller.Http.Request.Protocol);
        string? target = null;
        string? uri = null;
        switch (message.Method)
        {
            case McpMethod.ToolsCall:
                _toolName = target = message.Name.IsString ? message.GetString(message.Name) : null;
                break;
            case McpMethod.PromptsGet:
                _promptName = target = message.Name.IsString ? message.GetString(message.Name) : null;
                break;
            case McpMethod.ResourcesRead:
            case McpMethod.ResourcesSubscribe:
            case McpMethod.ResourcesUnsubscribe:
                uri = target = message.Uri.IsString ? message.GetString(message.Uri) : null;
                break;
        }

        if (!McpTelemetry.Source.HasListeners())
        {
            return;
        }

        ReadTraceContext(message, out ActivityContext parent);
        Activity = McpTelemetry.Source.StartActivity(target is null ? _method : _method + " " + target, ActivityKind.Server, parent);
        if (Activity is not { IsAllDataRequested: true } span)
        {
            return;
        }

        span.SetTag(McpTelemetryTags.MethodName, _method);
        span.SetTag(McpTelemetryTags.ProtocolVersion, _protocolVersion);
        if (caller.Session is { } session)
        {
            span.SetTag(McpTelemetryTags.SessionId, session.State.Id);
        }

        if (message.Id.IsPresent)
        {
            span.SetTag(McpTelemetryTags.RequestId, message.Id.IsString ? message.GetString(message.Id) : System.Text.Encoding.UTF8.GetString(message.Raw(message.Id)));
        }

        if (_toolName is not null)
        {
            span.SetTag(McpTelemetryTags.OperationName, "execute_tool");
            span.SetTag(McpTelemetryTags.ToolName, _toolName);
        }

        if (_promptName is not null)
        {
            span.SetTag(McpTelemetryTags.PromptName, _promptName);
        }

        if (uri is not null)
        {
            span.SetTag(McpTelemetryTags.ResourceUri, uri);
        }

        span.SetTag(McpTelemetryTags.NetworkTransport, "tcp");
        span.SetTag(McpTelemetryTags.NetworkProtocolName, "http");
        if (_protocolVersionOfHttp is not null)
        {
            span.SetTag(McpTelemetryTags.NetworkProtocolVersion, _protocolVersionOfHttp);
        }
    }

    /// <summary>The operation of the request this code runs for, when somebody listens.</summary>
    public static McpOperation? Current => s_current.Value;

    /// <summary>The request's server span, when traces are sampled.</summary>
    public Activity? Activity { get; }

    /// <summary>
    /// Dispatches <paramref name="message"/> through <paramref name="dispatch"/> inside an operation when somebody listens
    /// (the span is current while the request is served), else calls it directly.
    /// </summary>
    public static Task Observe<TState>(McpDispatcherCall<TState> dispatch, TState state, in JsonRpcMessage message, in McpCaller caller, McpResponder responder)
    {
        var operation = new McpOperation(message, caller);
        s_current.Value = operation;
        Task task;
        try
        {
            task = dispatch(state, message, caller, responder);
        }
        catch (Exception ex)
        {
            operation.Stop(ex);
            throw;
        }
        finally
        {
            // Only the request's own flow (captured by what it awaits) keeps the operation and its span as current.
            s_current.Value = operation._previous;
            if (operation.Activity is not null)
            {
                Activity.Current = operation._previousActivity;
            }
        }

        if (task.IsCompleted)
        {
            operation.Stop(task.Exception?.InnerException);
            return task;
        }

        return operation.StopWhenDoneAsync(task);
    }

    /// <summary>The request ended with a JSON-RPC error (<c>error.type</c> = its code).</summary>
    public static void JsonRpcError(McpError error)
    {
        if (s_current.Value is { } operation)
        {
            string code = error.Code.ToString(CultureInfo.InvariantCulture);
            operation._errorType = code;
            operation._rpcCode = code;
            operation.Activity?.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }

    /// <summary>A tool answered with an <c>isError</c> result (<c>error.type</c> = <c>tool_error</c>), maybe for an exception.</summary>
    public static void ToolError(Exception? exception)
    {
        if (s_current.Value is { } operation)
        {
            operation._errorType = "tool_error";
            if (operation.Activity is { } span)
            {
                if (exception is not null)
                {
                    span.AddException(exception);
                }

                span.SetStatus(ActivityStatusCode.Error, exception?.Message);
            }
        }
    }

    /// <summary>Adds an event (client input asked, answered, <c>input_required</c>) to the request's span.</summary>
    public static void Event(string name, string method, int count = 0)
    {
        if (McpTelemetry.Source.HasListeners() && s_current.Value?.Activity is { } span)
        {
            var tags = new ActivityTagsCollection { [McpTelemetryTags.InputMethod] = method };
            if (count > 0)
            {
                tags[McpTelemetryTags.InputCount] = count;
            }

            span.AddEvent(new ActivityEvent(name, tags: tags));
        }
    }

    private async Task StopWhenDoneAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Stop(ex);
            throw;
        }

        Stop(null);
    }

    private void Stop(Exception? exception)
    {
        if (exception is not null && _errorType is null)
        {
            _errorType = exception.GetType().FullName ?? exception.GetType().Name;
            if (Activity is { } failed)
            {
                failed.AddException(exception);
                failed.SetStatus(ActivityStatusCode.Error, exception.Message);
            }
        }

        if (Activity is { } span)
        {
            if (_errorType is not null)
            {
                span.SetTag(McpTelemetryTags.ErrorType, _errorType);
                if (_rpcCode is not null)
                {
                    span.SetTag(McpTelemetryTags.RpcStatusCode, _rpcCode);
                }
            }

            span.Stop();
        }

        if (!McpTelemetry.OperationDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { McpTelemetryTags.MethodName, _method },
            { McpTelemetryTags.ProtocolVersion, _protocolVersion },
            { McpTelemetryTags.NetworkTransport, "tcp" },
            { McpTelemetryTags.NetworkProtocolName, "http" },
        };
        if (_protocolVersionOfHttp is not null)
        {
            tags.Add(McpTelemetryTags.NetworkProtocolVersion, _protocolVersionOfHttp);
        }

        if (_toolName is not null)
        {
            tags.Add(McpTelemetryTags.OperationName, "execute_tool");
            tags.Add(McpTelemetryTags.ToolName, _toolName);
        }

        if (_promptName is not null)
        {
            tags.Add(McpTelemetryTags.PromptName, _promptName);
        }

        if (_errorType is not null)
        {
            tags.Add(McpTelemetryTags.ErrorType, _errorType);
            if (_rpcCode is not null)
            {
                tags.Add(McpTelemetryTags.RpcStatusCode, _rpcCode);
            }
        }

        McpTelemetry.OperationDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
    }

    /// <summary>
    /// The remote parent a client put in <c>params._meta</c> (<c>traceparent</c>, <c>tracestate</c>, W3C Trace Context);
    /// default (the current activity, the HTTP request's) when absent or malformed.
    /// </summary>
    private static void ReadTraceContext(in JsonRpcMessage message, out ActivityContext parent)
    {
        parent = default;
        if (!message.Meta.IsObject)
        {
            return;
        }

        string? traceparent = null, tracestate = null;
        try
        {
            var reader = new Utf8JsonReader(message.Raw(message.Meta), JsonRpcMessageReader.SliceOptions);
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isParent = reader.ValueTextEquals("traceparent"u8);
                bool isState = !isParent && reader.ValueTextEquals("tracestate"u8);
                reader.Read();
                if ((isParent || isState) && reader.TokenType == JsonTokenType.String)
                {
                    if (isParent)
                    {
                        traceparent = reader.GetString();
                    }
                    else
                    {
                        tracestate = reader.GetString();
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return;
        }

        if (traceparent is not null && ActivityContext.TryParse(traceparent, tracestate, isRemote: true, out ActivityContext remote))
        {
            parent = remote;
        }
    }

    private static string? HttpVersion(string protocol)
    {
        if (HttpProtocol.IsHttp11(protocol))
        {
            return "1.1";
        }

        if (HttpProtocol.IsHttp2(protocol))
        {
            return "2";
        }

        if (HttpProtocol.IsHttp3(protocol))
        {
            return "3";
        }

        return HttpProtocol.IsHttp10(protocol) ? "1.0" : null;
    }
}

/// <summary>The dispatch of one request, as <see cref="McpOperation.Observe"/> runs it.</summary>
internal delegate Task McpDispatcherCall<TState>(TState state, in JsonRpcMessage message, in McpCaller caller, McpResponder responder);
