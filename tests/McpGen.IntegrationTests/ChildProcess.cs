using System.Diagnostics;

namespace McpGen.IntegrationTests;

/// <summary>
/// A long-running child process (a replica, haproxy, nginx) whose output is kept for assertions and failure messages.
/// Every instance is killed on <see cref="DisposeAsync"/>, and, as a last resort, when the test host exits.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly HashSet<ChildProcess> Live = [];
    private readonly Process _process;
    private readonly List<string> _output = [];

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            ChildProcess[] live;
            lock (Live)
            {
                live = [.. Live];
            }

            foreach (ChildProcess child in live)
            {
                child.Kill();
            }
        };
    }

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>What the process is, for messages ("replica r2", "haproxy").</summary>
    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public Process Process => _process;

    /// <summary>stdout and stderr lines so far, in arrival order.</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory, IDictionary<string, string>? environment = null)
    {
        Process process = ProcessRunner.Start(fileName, arguments, workingDirectory, environment);
        var child = new ChildProcess(name, process);
        lock (Live)
        {
            Live.Add(child);
        }

        return child;
    }

    /// <summary>The last lines of output, for failure messages.</summary>
    public string Tail(int lines = 40) => $"--- {Name} (last {lines} lines)\n" + string.Join('\n', Output.TakeLast(lines));

    /// <summary>Waits, bounded, until a line of output contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan limit)
    {
        DateTime deadline = DateTime.UtcNow + limit;
        while (!Output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not print '{text}' within {limit}.\n{Tail()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Asks the process to stop (SIGTERM, what Kubernetes and systemd send: the host's graceful shutdown) and waits, up to
    /// <paramref name="limit"/>, until it exits; returns its exit code.
    /// </summary>
    public async Task<int> TerminateAsync(TimeSpan limit)
    {
        if (!_process.HasExited && Terminate(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) of {Name} failed with errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}.");
        }

        using var cts = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {limit} of SIGTERM.\n{Tail()}");
        }

        return _process.ExitCode;
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Terminate(int pid, int signal);

    /// <summary>Kills the process at once (SIGKILL, like a crash) and waits, bounded, until it is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        lock (Live)
        {
            if (!Live.Remove(this))
            {
                return; // disposed already
            }
        }

        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }
    }
}
