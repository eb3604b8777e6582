using System.Reflection;
using GalaxyMorphology.Benchmarks;

// dotnet run -c Release --project benchmarks/GalaxyMorphology.Benchmarks -- SCENARIO [--data DIR] [--threads N] [--variant V] [--batch B] [--size S]
var scenarios = typeof(IBenchmarkScenario).Assembly.GetTypes()
    .Where(t => typeof(IBenchmarkScenario).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmarkScenario)Activator.CreateInstance(t)!)
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || args[0] is "--help" or "-h")
{
    Console.WriteLine("usage: GalaxyMorphology.Benchmarks SCENARIO [--data DIR] [--threads N] [--variant V] [--batch B] [--size S]");
    foreach (var s in scenarios.Values) Console.WriteLine($"  {s.Name,-10} {s.Description}");
    return args.Length == 0 ? 2 : 0;
}
if (!scenarios.TryGetValue(args[0], out var scenario))
{
    Console.Error.WriteLine($"error: unknown scenario '{args[0]}'; choose one of {string.Join(", ", scenarios.Keys)}");
    return 2;
}
var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine($"error: expected '--name value' pairs, got '{args[i]}'");
        return 2;
    }
    options[args[i][2..]] = args[++i];
}
return scenario.Run(new BenchmarkArgs(options));
