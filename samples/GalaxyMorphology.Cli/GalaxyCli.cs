using System.Text.Json;
using System.Text.Json.Nodes;
using GalaxyMorphology.Platform;

namespace GalaxyMorphology.Cli;

/// <summary>What a command gets: output streams, whether --json was asked for, and the Ctrl-C token.</summary>
internal sealed class CliContext(TextWriter output, TextWriter error, CancellationToken cancellationToken)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public CancellationToken CancellationToken { get; } = cancellationToken;
    public bool Json { get; set; }

    /// <summary>Human-readable output; suppressed with --json so that the JSON object is the last line.</summary>
    public void Say(string line)
    {
        if (Json) Error.WriteLine(line);
        else Out.WriteLine(line);
    }

    /// <summary>Prints the --json result line (always last).</summary>
    public void Result(JsonObject result) => Out.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
}

/// <summary>One `galaxy` sub-command.</summary>
internal interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    string Usage { get; }
    IReadOnlyList<OptionSpec> Options { get; }
    int Run(ParsedArgs args, CliContext context);
}

/// <summary>The `galaxy` command line: dispatch, help, exit codes (0 success, 2 bad usage, 1 failure) and one clear error line.</summary>
internal static class GalaxyCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadUsage = 2;

    public static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        new SynthCommand(), new SummaryCommand(), new TrainCommand(), new EvaluateCommand(), new PredictCommand(), new ExportCommand(),
    ];

    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintUsage(args.Length == 0 ? error : output);
            return args.Length == 0 ? BadUsage : Success;
        }
        if (args[0] == "--version")
        {
            output.WriteLine(Persistence.Checkpoint.CurrentLibraryVersion);
            return Success;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            error.WriteLine($"error: unknown command '{args[0]}'; commands: {string.Join(", ", Commands.Select(c => c.Name))} (see 'galaxy --help')");
            return BadUsage;
        }
        var rest = args.Skip(1).ToArray();
        if (rest.Any(a => a is "--help" or "-h"))
        {
            PrintHelp(command, output);
            return Success;
        }
        var context = new CliContext(output, error, cancellationToken);
        try
        {
            var parsed = ParsedArgs.Parse(command.Name, command.Options, rest);
            context.Json = parsed.Has("json");
            return command.Run(parsed, context);
        }
        catch (UsageException ex)
        {
            error.WriteLine($"error: {ex.Message} (see 'galaxy {command.Name} --help')");
            return BadUsage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error.WriteLine("error: cancelled");
            return Failure;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException
                                       or TorchRuntimeException or InvalidOperationException or NotSupportedException)
        {
            error.WriteLine($"error: {ex.Message}");
            return Failure;
        }
    }

    private static void PrintUsage(TextWriter w)
    {
        w.WriteLine("galaxy: Galaxy Zoo morphology with GalaxyMorphology");
        w.WriteLine();
        w.WriteLine("usage: galaxy COMMAND [options]   (galaxy COMMAND --help for its options)");
        w.WriteLine();
        foreach (var c in Commands) w.WriteLine($"  {c.Name,-10} {c.Summary}");
        w.WriteLine();
        w.WriteLine("Exit codes: 0 success, 1 failure, 2 bad usage. With --json the last line printed is one JSON object.");
    }

    private static void PrintHelp(ICliCommand command, TextWriter w)
    {
        w.WriteLine($"galaxy {command.Name}: {command.Summary}");
        w.WriteLine();
        w.WriteLine($"usage: {command.Usage}");
        w.WriteLine();
        foreach (var o in command.Options)
        {
            var left = o.IsFlag ? $"--{o.Name}" : $"--{o.Name} {o.ValueName}";
            var def = o.Default is null ? "" : $" (default: {o.Default})";
            w.WriteLine($"  {left,-24} {o.Description}{def}");
        }
    }
}
