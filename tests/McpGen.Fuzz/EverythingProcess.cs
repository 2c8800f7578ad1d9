using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGen.Fuzz;

/// <summary>One Error or Critical line of the server's JSON console log.</summary>
public sealed record ServerLogRecord(string Level, string Category, string Message, string? Exception, long? FuzzId);

/// <summary>
/// samples/Everything as a child process (<c>dotnet Everything.dll --urls http://127.0.0.1:PORT --mode M --log-format json
/// [--postgres ... --pg-schema ...]</c>), its JSON console log parsed as it is written: Error and Critical lines are
/// kept with the fuzz id of the request they belong to.
/// </summary>
public sealed partial class EverythingProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<ServerLogRecord> _errors = new();
    private readonly ConcurrentQueue<string> _tail = new();

    private EverythingProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>The resident set size of the server process in bytes (Linux /proc), or -1.</summary>
    public long ResidentBytes
    {
        get
        {
            try
            {
                foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    {
                        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
                    }
                }
            }
            catch (IOException)
            {
            }

            return -1;
        }
    }

    /// <summary>The last lines the server wrote, for reports.</summary>
    public string Tail => string.Join('\n', _tail);

    /// <summary>Takes the Error/Critical records logged since the last call.</summary>
    public List<ServerLogRecord> DrainErrors()
    {
        var list = new List<ServerLogRecord>();
        while (_errors.TryDequeue(out ServerLogRecord? record))
        {
            list.Add(record);
        }

        return list;
    }

    /// <summary>Finds Everything.dll: samples/Everything/bin/&lt;configuration&gt;/net10.0 above the current directory or the fuzzer.</summary>
    public static string FindDll(string? given)
    {
        if (given is not null)
        {
            return given;
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                foreach (string configuration in new[] { "Release", "Debug" })
                {
                    string dll = Path.Combine(dir.FullName, "samples", "Everything", "bin", configuration, "net10.0", "Everything.dll");
                    if (File.Exists(dll))
                    {
                        return dll;
                    }
                }
            }
        }

        throw new FileNotFoundException("samples/Everything/bin/<configuration>/net10.0/Everything.dll was not found: build it (dotnet build samples/Everything -c Release) or pass --everything PATH.");
    }

    public static async Task<EverythingProcess> StartAsync(string dll, string mode, string? postgres, string? schema, TimeSpan limit)
    {
        int port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}", "--mode", mode, "--log-format", "json" })
        {
            info.ArgumentList.Add(argument);
        }

        if (postgres is not null)
        {
            info.ArgumentList.Add("--postgres");
            info.ArgumentList.Add(postgres);
            if (schema is not null)
            {
                info.ArgumentList.Add("--pg-schema");
                info.ArgumentList.Add(schema);
            }
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var server = new EverythingProcess(process, port);
        process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Everything exited with {process.ExitCode} while starting:\n{server.Tail}");
            }

            if (await server.IsHealthyAsync())
            {
                return server;
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"Everything did not answer /healthz within {limit.TotalSeconds} s:\n{server.Tail}");
    }

    public async Task<bool> IsHealthyAsync()
    {
        byte[] head = System.Text.Encoding.ASCII.GetBytes($"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\nConnection: close\r\n\r\n");
        RawResponse response = await RawHttp.SendAsync(Port, head, [], Framing.Normal, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1));
        return response.Status == 200;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line.Length > 2000 ? line[..2000] : line);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }

        if (!line.StartsWith('{') || !(line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal) || line.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal)))
        {
            return;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            string? exception = root.TryGetProperty("Exception", out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            Match id = FuzzIdPattern().Match(line);
            _errors.Enqueue(new ServerLogRecord(
                root.GetProperty("LogLevel").GetString()!,
                root.TryGetProperty("Category", out JsonElement c) ? c.GetString() ?? "" : "",
                root.TryGetProperty("Message", out JsonElement m) ? m.GetString() ?? "" : "",
                exception,
                id.Success ? long.Parse(id.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null));
        }
        catch (JsonException)
        {
        }
    }

    [GeneratedRegex("(?:fuzz-|\"FuzzId\":\")(\\d+)")]
    private static partial Regex FuzzIdPatternCore();

    private static Regex FuzzIdPattern() => FuzzIdPatternCore();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
