using System.Globalization;

namespace GalaxyMorphology.Cli;

/// <summary>Bad usage: the CLI prints the message and exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>One option of a command.</summary>
internal sealed record OptionSpec(string Name, string? ValueName, string Description, string? Default = null)
{
    public bool IsFlag => ValueName is null;
}

/// <summary>A parsed command line: --name value pairs and --flags, checked against the command's options.</summary>
internal sealed class ParsedArgs
{
    private readonly Dictionary<string, string?> values;

    private ParsedArgs(Dictionary<string, string?> values) => this.values = values;

    public static ParsedArgs Parse(string command, IReadOnlyList<OptionSpec> specs, IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                throw new UsageException($"unexpected argument '{arg}' for 'galaxy {command}'");
            var name = arg[2..];
            string? inline = null;
            var eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            var spec = specs.FirstOrDefault(s => s.Name == name)
                ?? throw new UsageException($"unknown option '--{name}' for 'galaxy {command}'");
            if (values.ContainsKey(name)) throw new UsageException($"option '--{name}' is given twice");
            if (spec.IsFlag)
            {
                if (inline is not null) throw new UsageException($"option '--{name}' takes no value");
                values[name] = null;
            }
            else
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                if (value is null || (inline is null && value.StartsWith("--", StringComparison.Ordinal)))
                    throw new UsageException($"option '--{name}' needs a value ({spec.ValueName})");
                values[name] = value;
            }
        }
        return new ParsedArgs(values);
    }

    public bool Has(string name) => values.ContainsKey(name);

    public string? Get(string name) => values.TryGetValue(name, out var v) ? v : null;

    public string Required(string name) => Get(name) ?? throw new UsageException($"option '--{name}' is required");

    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new UsageException($"option '--{name}' must be a whole number, got '{text}'");
        if (v < min || v > max) throw new UsageException($"option '--{name}' must be between {min} and {max}, got {v}");
        return v;
    }

    public int? OptionalInt(string name, int min = int.MinValue, int max = int.MaxValue) => Has(name) ? Int(name, 0, min, max) : null;

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = Get(name);
        if (text is null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
            throw new UsageException($"option '--{name}' must be a number, got '{text}'");
        if (v < min || v > max) throw new UsageException($"option '--{name}' must be between {min} and {max}, got {v}");
        return v;
    }

    public double? OptionalDouble(string name, double min = double.MinValue, double max = double.MaxValue) => Has(name) ? Double(name, 0, min, max) : null;

    public string Choice(string name, string fallback, params string[] choices)
    {
        var v = Get(name) ?? fallback;
        var match = choices.FirstOrDefault(c => string.Equals(c, v, StringComparison.OrdinalIgnoreCase));
        return match ?? throw new UsageException($"option '--{name}' must be one of {string.Join(", ", choices)}, got '{v}'");
    }
}
