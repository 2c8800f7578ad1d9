// The McpGen protocol fuzzer. Usage:
//   dotnet run --project tests/McpGen.Fuzz -c Release -- --mode stateless|sticky|store [--url http://127.0.0.1:PORT/mcp]
//     [--requests N] [--seed S] [--concurrency C] [--duration SECONDS] [--timeout SECONDS]
//     [--postgres CONNECTION_STRING [--pg-schema NAME]] [--everything PATH/Everything.dll] [--spec DIR] [--no-minimize]
// Without --url it starts samples/Everything (built with -c Release) in the mode, reads its JSON log, and stops it.
// Exit code: 0 without findings, 1 with findings, 2 for bad arguments.
using McpGen.Fuzz;

var options = new FuzzOptions { Progress = Console.WriteLine };
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
    switch (args[i])
    {
        case "--url": options.Url = new Uri(Value()); break;
        case "--mode": options.Mode = Value(); break;
        case "--requests": options.Requests = long.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--seed": options.Seed = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--concurrency": options.Concurrency = int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture); break;
        case "--duration": options.Duration = TimeSpan.FromSeconds(double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture)); break;
        case "--timeout": options.RequestTimeout = TimeSpan.FromSeconds(double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture)); break;
        case "--postgres": options.Postgres = Value(); break;
        case "--pg-schema": options.PostgresSchema = Value(); break;
        case "--everything": options.Everything = Value(); break;
        case "--spec": options.SpecDirectory = Value(); break;
        case "--no-minimize": options.Minimize = false; break;
        default:
            Console.Error.WriteLine($"Unknown argument '{args[i]}'. See the usage at the top of tests/McpGen.Fuzz/Program.cs.");
            return 2;
    }
}

if (options.Mode is not ("stateless" or "sticky" or "store"))
{
    Console.Error.WriteLine($"Unknown --mode '{options.Mode}': use stateless, sticky or store.");
    return 2;
}

FuzzReport report = await Fuzzer.RunAsync(options);
Console.WriteLine(report.Describe());
return report.Findings == 0 ? 0 : 1;
