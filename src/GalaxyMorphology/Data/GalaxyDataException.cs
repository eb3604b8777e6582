using System.Text;
using GalaxyMorphology.Platform;

namespace GalaxyMorphology.Data;

/// <summary>
/// A labels file or image is unusable. The message starts with where: the file, and for CSV files the 1-based line
/// and the column; the same places are available as properties.
/// </summary>
public class GalaxyDataException : GalaxyMorphologyException
{
    /// <summary>Creates the exception; the message is prefixed with the location.</summary>
    public GalaxyDataException(string reason, string? file = null, int? line = null, string? column = null, Exception? inner = null)
        : base(Format(reason, file, line, column), inner)
    {
        Reason = reason;
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>The file concerned, if any.</summary>
    public string? File { get; }

    /// <summary>The 1-based line in <see cref="File"/>, for text files.</summary>
    public int? Line { get; }

    /// <summary>The column name, for CSV files.</summary>
    public string? Column { get; }

    private static string Format(string reason, string? file, int? line, string? column)
    {
        var sb = new StringBuilder();
        if (file is not null) sb.Append(file);
        if (line is not null) sb.Append(sb.Length > 0 ? ", " : "").Append("line ").Append(line.Value);
        if (column is not null) sb.Append(sb.Length > 0 ? ", " : "").Append("column '").Append(column).Append('\'');
        return sb.Length == 0 ? reason : sb.Append(": ").Append(reason).ToString();
    }
}
