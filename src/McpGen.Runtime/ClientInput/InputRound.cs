using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.ClientInput;

/// <summary>
/// One attempt of a 2026-07-28 multi round-trip request (<c>tools/call</c>, <c>prompts/get</c> or <c>resources/read</c>).
/// The handler runs from the start on every attempt. Each ask has a key (given, or <c>input_N</c> by the order of the
/// asks in the call): an ask answered by an earlier round (carried in the sealed <c>requestState</c>) or by this
/// request's <c>inputResponses</c> completes at once; an unanswered ask is recorded as an input request and waits. The
/// attempt ends with <c>resultType: "input_required"</c> as soon as the handler waits on an unanswered ask (every ask
/// it started before waiting goes into the same result), or with the handler's own result when it completes.
/// </summary>
internal sealed class InputRound
{
    /// <summary>
    /// When the first unanswered ask happens after the handler went asynchronous, how long no new ask must arrive before
    /// the attempt ends (asks started together, as with <c>Task.WhenAll</c>, then share one round).
    /// </summary>
    internal static readonly TimeSpan SettleTime = TimeSpan.FromMilliseconds(15);

    private static readonly Dictionary<string, byte[]> s_noAnswers = new(StringComparer.Ordinal);

    private readonly object _gate = new();
    private readonly Dictionary<string, byte[]> _answers;
    private readonly Func<byte[]> _principal;
    private readonly Func<byte[]> _request;
    private readonly TaskCompletionSource _inputNeeded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private List<KeyValuePair<string, byte[]>>? _used;
    private List<Asked>? _asked;
    private HashSet<string>? _keys;
    private byte[]? _principalDigest;
    private byte[]? _requestDigest;
    private int _order;
    private bool _closed;
    private IEscalatedInput? _escalated;
    private int _synchronousThread = -1;

    /// <param name="answers">The answers available to this attempt (earlier rounds' plus this request's <c>inputResponses</c>), or <see langword="null"/>.</param>
    /// <param name="principal">Computes the principal digest the next <c>requestState</c> is bound to (called at most once, and only when needed).</param>
    /// <param name="request">Computes the request digest the next <c>requestState</c> is bound to (likewise).</param>
    public InputRound(Dictionary<string, byte[]>? answers, Func<byte[]> principal, Func<byte[]> request)
    {
        _answers = answers ?? s_noAnswers;
        _principal = principal;
        _request = request;
    }

    /// <summary>The principal digest of the request (computed on first use: most attempts never seal a state).</summary>
    public byte[] Principal => _principalDigest ??= _principal();

    /// <summary>The request digest (method, name, arguments), computed on first use.</summary>
    public byte[] Request => _requestDigest ??= _request();

    /// <summary>Whether the handler asked for something that has no answer yet.</summary>
    public bool NeedsInput => _inputNeeded.Task.IsCompleted;

    /// <summary>
    /// Asks for input: returns the client's raw result for <paramref name="key"/> when an answer exists, else records the
    /// input request and returns a task that completes only if the attempt is abandoned (cancelled).
    /// </summary>
    /// <param name="key">The input key, or <see langword="null"/> for <c>input_N</c> by order.</param>
    /// <param name="method">The input request's method.</param>
    /// <param name="parameters">The input request's params (UTF-8 JSON).</param>
    /// <param name="resolvedKey">The key used.</param>
    public Task<byte[]> Ask(string? key, string method, byte[] parameters, out string resolvedKey)
    {
        IEscalatedInput? escalated;
        lock (_gate)
        {
            _order++;
            resolvedKey = key ?? "input_" + _order.ToString(CultureInfo.InvariantCulture);
            if (!(_keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(resolvedKey))
            {
                throw new ArgumentException(
                    $"The input key '{resolvedKey}' is used by two asks of the same call. Give each ask its own key (or none, to number them by order).",
                    nameof(key));
            }

            if (_answers.TryGetValue(resolvedKey, out byte[]? answer))
            {
                (_used ??= []).Add(new KeyValuePair<string, byte[]>(resolvedKey, answer));
                McpGen.Diagnostics.McpOperation.Event("mcp.client_input.answered", method);
                return Task.FromResult(answer);
            }

            if (_closed)
            {
                return Task.FromCanceled<byte[]>(new CancellationToken(canceled: true));
            }

            // Asks of the handler's synchronous start stay in this round; once it went asynchronous, a task takes them.
            escalated = _escalated is not null && _synchronousThread != Environment.CurrentManagedThreadId ? _escalated : null;
            if (escalated is null)
            {
                var pending = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
                (_asked ??= []).Add(new Asked(resolvedKey, method, parameters, pending));
                McpGen.Diagnostics.McpOperation.Event("mcp.client_input.requested", method);
                _inputNeeded.TrySetResult();
                return pending.Task;
            }
        }

        // The call became a task: what is still unanswered becomes one of the task's inputRequests (tasks/update answers).
        McpGen.Diagnostics.McpOperation.Event("mcp.client_input.requested", method);
        return escalated.RequestAsync(resolvedKey, method, parameters);
    }

    /// <summary>
    /// Arms the call's move into a task, on the thread about to invoke the handler: asks the handler makes on this thread
    /// before <see cref="EndSynchronousStart"/> stay in this round; asks from anywhere else (the handler went
    /// asynchronous) go to <paramref name="input"/>, the task's input requests.
    /// </summary>
    public void ArmEscalation(IEscalatedInput input)
    {
        lock (_gate)
        {
            _escalated = input;
            _synchronousThread = Environment.CurrentManagedThreadId;
        }
    }

    /// <summary>
    /// Ends the handler's synchronous start. Returns <see langword="true"/> when the call becomes a task (the start made
    /// no unanswered ask), <see langword="false"/> when it is an ordinary round (an ask waits: the attempt ends with
    /// <c>input_required</c>, and later asks join this round).
    /// </summary>
    public bool EndSynchronousStart()
    {
        lock (_gate)
        {
            _synchronousThread = -1;
            if (_closed || _inputNeeded.Task.IsCompleted)
            {
                _escalated = null;
                return false;
            }

            return true;
        }
    }

    /// <summary>
    /// Waits until the handler completes (returns <see langword="false"/>: its task holds the outcome) or needs input
    /// (returns <see langword="true"/>: the attempt is closed and its waiting asks are cancelled).
    /// </summary>
    /// <param name="handler">The handler's task, not yet completed.</param>
    public async Task<bool> WaitAsync(Task handler)
    {
        // Asks made before the handler first yielded are all recorded by now: no need to let more arrive.
        bool settled = NeedsInput;
        while (!handler.IsCompleted)
        {
            if (!NeedsInput)
            {
                await Task.WhenAny(handler, _inputNeeded.Task).ConfigureAwait(false);
                continue;
            }

            if (!settled)
            {
                int seen = AskedCount;
                await Task.WhenAny(handler, Task.Delay(SettleTime)).ConfigureAwait(false);
                if (handler.IsCompleted || AskedCount != seen)
                {
                    continue;
                }
            }

            Close();
            return true;
        }

        return false;
    }

    /// <summary>How many unanswered asks the attempt recorded.</summary>
    public int AskedCount
    {
        get
        {
            lock (_gate)
            {
                return _asked?.Count ?? 0;
            }
        }
    }

    /// <summary>Closes the attempt: later asks are cancelled at once, and the waiting ones are cancelled now.</summary>
    private void Close()
    {
        List<Asked> asked;
        lock (_gate)
        {
            _closed = true;
            asked = [.. _asked ?? []];
        }

        foreach (Asked item in asked)
        {
            item.Pending.TrySetCanceled();
        }
    }

    /// <summary>The <c>inputRequests</c> object of the closed attempt: key to <c>{"method", "params"}</c>.</summary>
    public void WriteInputRequests(Utf8JsonWriter json)
    {
        json.WriteStartObject("inputRequests"u8);
        lock (_gate)
        {
            foreach (Asked item in _asked ?? [])
            {
                json.WriteStartObject(item.Key);
                json.WriteString("method"u8, item.Method);
                json.WritePropertyName("params"u8);
                json.WriteRawValue(item.Parameters, skipInputValidation: true);
                json.WriteEndObject();
            }
        }

        json.WriteEndObject();
    }

    /// <summary>The answers this attempt used, for the next <c>requestState</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> UsedAnswers
    {
        get
        {
            lock (_gate)
            {
                return [.. _used ?? []];
            }
        }
    }

    private readonly record struct Asked(string Key, string Method, byte[] Parameters, TaskCompletionSource<byte[]> Pending);
}

/// <summary>Where the asks of a call that became a task go: the task's <c>inputRequests</c>, answered through <c>tasks/update</c>.</summary>
internal interface IEscalatedInput
{
    /// <summary>Adds the input request <paramref name="key"/> to the task and returns the client's answer once it arrives.</summary>
    Task<byte[]> RequestAsync(string key, string method, byte[] parameters);
}
