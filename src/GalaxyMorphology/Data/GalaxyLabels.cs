using System.Globalization;
using GalaxyMorphology.Taxonomy;
using Microsoft.Data.Analysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GalaxyMorphology.Data;

/// <summary>
/// The Galaxy Zoo labels of a Kaggle <c>training_solutions_rev1.csv</c>: one GalaxyID and 37 vote fractions per row,
/// read with Microsoft.Data.Analysis using explicit column types and the invariant culture. Columns may come in any
/// order and are reordered to <see cref="GalaxyZooTaxonomy.Columns"/>. Checked on load: header (GalaxyID plus the
/// 37 columns, nothing else), numbers, finite values in [0, 1], unique IDs and the decision-tree sums. Errors name
/// the file, the 1-based line and the column.
/// </summary>
public sealed class GalaxyLabels
{
    private static readonly string ExpectedHeader = $"{GalaxyZooTaxonomy.IdColumn},{string.Join(',', GalaxyZooTaxonomy.Columns)}";
    private readonly long[] ids;
    private readonly float[][] targets;
    private readonly int?[] lines;
    private readonly Dictionary<long, int> indexById;

    private GalaxyLabels(string file, long[] ids, float[][] targets, int?[] lines, IReadOnlyList<SkippedItem> skipped, int treeSumViolations)
    {
        File = file;
        this.ids = ids;
        this.targets = targets;
        this.lines = lines;
        Skipped = skipped;
        TreeSumViolations = treeSumViolations;
        indexById = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++) indexById[ids[i]] = i;
    }

    /// <summary>The labels file.</summary>
    public string File { get; }

    /// <summary>Number of usable rows.</summary>
    public int Count => ids.Length;

    /// <summary>GalaxyIDs in file order.</summary>
    public IReadOnlyList<long> Ids => ids;

    /// <summary>The 37 values of each row in canonical column order (shared arrays: do not modify).</summary>
    public IReadOnlyList<float[]> Targets => targets;

    /// <summary>The 1-based line of each row in <see cref="File"/> (null if the reader's rows could not be matched to lines).</summary>
    public IReadOnlyList<int?> Lines => lines;

    /// <summary>Rows left out under <see cref="BadInputPolicy.Skip"/>, with reasons.</summary>
    public IReadOnlyList<SkippedItem> Skipped { get; }

    /// <summary>Rows kept despite breaking the tree sums (<see cref="TreeSumPolicy.Warn"/>).</summary>
    public int TreeSumViolations { get; }

    /// <summary>The row of <paramref name="galaxyId"/>, if present.</summary>
    public bool TryGetIndex(long galaxyId, out int index) => indexById.TryGetValue(galaxyId, out index);

    /// <summary>The labels as a DataFrame: an Int64 <c>GalaxyID</c> column then the 37 Single columns in canonical order.</summary>
    public DataFrame ToDataFrame() => ToDataFrame(Enumerable.Range(0, Count).ToArray());

    internal DataFrame ToDataFrame(IReadOnlyList<int> rows)
    {
        var columns = new List<DataFrameColumn> { new Int64DataFrameColumn(GalaxyZooTaxonomy.IdColumn, rows.Select(r => ids[r])) };
        for (var c = 0; c < GalaxyZooTaxonomy.OutputCount; c++)
        {
            var column = c;
            columns.Add(new SingleDataFrameColumn(GalaxyZooTaxonomy.Columns[c], rows.Select(r => targets[r][column])));
        }
        return new DataFrame(columns);
    }

    /// <summary>Reads and checks a labels CSV.</summary>
    /// <exception cref="GalaxyDataException">The file is missing, empty or malformed, or a row is bad under <see cref="BadInputPolicy.Throw"/>; the message names file, line and column.</exception>
    public static GalaxyLabels Load(string csvPath, GalaxyDatasetOptions? options = null, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        options ??= new GalaxyDatasetOptions();
        options.Validate();
        logger ??= NullLogger.Instance;
        if (!System.IO.File.Exists(csvPath))
            throw new GalaxyDataException("the labels file does not exist", csvPath, inner: new FileNotFoundException(null, csvPath));
        string text;
        try
        {
            text = System.IO.File.ReadAllText(csvPath); // detects and drops a UTF-8/UTF-16 BOM
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new GalaxyDataException($"cannot read the labels file: {ex.Message}", csvPath, inner: ex);
        }
        return Parse(text, csvPath, options, logger);
    }

    internal static GalaxyLabels Parse(string text, string file, GalaxyDatasetOptions options, ILogger logger)
    {
        if (text.Length > 0 && text[0] == '\uFEFF') text = text[1..];
        var rawLines = text.Split('\n');
        var headerLine = rawLines[0].TrimEnd('\r');
        if (string.IsNullOrWhiteSpace(text))
            throw new GalaxyDataException($"the labels file is empty: expected a header line '{GalaxyZooTaxonomy.IdColumn},Class1.1,...,Class11.6'", file, 1);
        var positions = ReadHeader(headerLine, file);
        var dataLines = new List<int>();
        for (var i = 1; i < rawLines.Length; i++)
            if (!string.IsNullOrWhiteSpace(rawLines[i])) dataLines.Add(i + 1);
        if (dataLines.Count == 0)
            throw new GalaxyDataException("the labels file has a header but no data rows", file, 2);

        var cells = ReadFrame(text, file, positions.Length);
        var rows = cells.Rows;
        var lineOf = rows == dataLines.Count ? dataLines.Select(l => (int?)l).ToArray() : new int?[rows];
        var skipped = new List<SkippedItem>();
        var keptIds = new List<long>(rows);
        var keptTargets = new List<float[]>(rows);
        var keptLines = new List<int?>(rows);
        var firstLine = new Dictionary<long, int?>(rows);
        var treeSumViolations = 0;
        var idPosition = Array.IndexOf(positions, -1);

        for (var r = 0; r < rows; r++)
        {
            var line = lineOf[r];
            var where = line is null ? $" (data row {r + 1})" : "";
            string? problem = null, column = null;
            var idOk = cells.TryGetId(r, idPosition, out var id, out var idProblem);
            if (!idOk)
                (problem, column) = (idProblem + where, GalaxyZooTaxonomy.IdColumn);
            var values = new float[GalaxyZooTaxonomy.OutputCount];
            for (var p = 0; p < positions.Length && problem is null; p++)
            {
                var target = positions[p];
                if (target < 0) continue;
                if (!cells.TryGetValue(r, p, out var v, out var valueProblem))
                    (problem, column) = (valueProblem + where, GalaxyZooTaxonomy.Columns[target]);
                else if (!float.IsFinite(v))
                    (problem, column) = ($"{v.ToString(CultureInfo.InvariantCulture)} is not a finite number{where}", GalaxyZooTaxonomy.Columns[target]);
                else if (v is < 0 or > 1)
                    (problem, column) = ($"{v.ToString("R", CultureInfo.InvariantCulture)} is outside [0, 1]{where}", GalaxyZooTaxonomy.Columns[target]);
                else
                    values[target] = v;
            }
            if (problem is null && firstLine.TryGetValue(id, out var earlier))
                (problem, column) = ($"GalaxyID {id} appears twice (first on line {earlier?.ToString(CultureInfo.InvariantCulture) ?? "?"}){where}", GalaxyZooTaxonomy.IdColumn);
            if (problem is null)
            {
                var violations = GalaxyZooTaxonomy.Validate(values, options.TreeSumTolerance);
                if (violations.Count > 0)
                {
                    var message = $"GalaxyID {id} breaks the decision tree: {string.Join("; ", violations.Select(v => v.Message))}{where}";
                    if (options.TreeSums == TreeSumPolicy.Throw)
                        throw new GalaxyDataException(message + " (TreeSumPolicy.Warn keeps such rows)", file, line, violations[0].Columns.FirstOrDefault());
                    treeSumViolations++;
                    if (treeSumViolations <= 10) logger.LogWarning("{File}, line {Line}: {Message}", file, line, message);
                }
            }
            if (problem is not null)
            {
                if (options.BadInput == BadInputPolicy.Throw)
                    throw new GalaxyDataException(problem, file, line, column);
                skipped.Add(new SkippedItem(file, line, idOk ? id : null, $"column '{column}': {problem}"));
                logger.LogWarning("skipped {File}, line {Line}, column '{Column}': {Problem}", file, line, column, problem);
                continue;
            }
            firstLine[id] = line;
            keptIds.Add(id);
            keptTargets.Add(values);
            keptLines.Add(line);
        }
        if (treeSumViolations > 10) logger.LogWarning("{File}: {Count} rows break the decision-tree sums in all", file, treeSumViolations);
        return new GalaxyLabels(file, keptIds.ToArray(), keptTargets.ToArray(), keptLines.ToArray(), skipped, treeSumViolations);
    }

    /// <summary>Maps each file column to its canonical index (-1 for GalaxyID).</summary>
    private static int[] ReadHeader(string headerLine, string file)
    {
        var names = headerLine.Split(',').Select(n => n.Trim().Trim('"').Trim()).ToArray();
        if (names.Length == 1)
        {
            var sep = headerLine.Contains(';') ? "';'" : headerLine.Contains('\t') ? "tabs" : null;
            throw new GalaxyDataException(sep is not null
                ? $"the header has a single comma-separated column: the file seems to be separated by {sep}; Kaggle label files are comma-separated ('{GalaxyZooTaxonomy.IdColumn},Class1.1,...')"
                : $"the header '{Truncate(headerLine)}' has a single column; expected '{GalaxyZooTaxonomy.IdColumn},Class1.1,...,Class11.6'", file, 1);
        }
        var positions = new int[names.Length];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var p = 0; p < names.Length; p++)
        {
            var name = names[p];
            if (seen.TryGetValue(name, out var first))
                throw new GalaxyDataException($"column '{name}' appears twice (columns {first + 1} and {p + 1})", file, 1, name);
            seen[name] = p;
            if (name == GalaxyZooTaxonomy.IdColumn) positions[p] = -1;
            else if (GalaxyZooTaxonomy.TryGetIndex(name, out var index)) positions[p] = index;
            else
                throw new GalaxyDataException($"unexpected column '{name}' (column {p + 1}); a labels file has {GalaxyZooTaxonomy.IdColumn} and Class1.1 ... Class11.6 only", file, 1, name);
        }
        if (!seen.ContainsKey(GalaxyZooTaxonomy.IdColumn))
            throw new GalaxyDataException($"no '{GalaxyZooTaxonomy.IdColumn}' column in the header", file, 1, GalaxyZooTaxonomy.IdColumn);
        var missing = GalaxyZooTaxonomy.Columns.Where(c => !seen.ContainsKey(c)).ToList();
        if (missing.Count > 0)
            throw new GalaxyDataException($"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? $" and {missing.Count - 8} more" : "")}; expected '{Truncate(ExpectedHeader)}'", file, 1, missing[0]);
        return positions;
    }

    private static string Truncate(string s) => s.Length <= 60 ? s : s[..57] + "...";

    /// <summary>
    /// Loads the rows typed (Int64 id, Single values); if a cell does not parse, reloads them as strings so the bad
    /// cell can be named rather than failing the whole file with the reader's message.
    /// </summary>
    private static CellReader ReadFrame(string text, string file, int columnCount)
    {
        var idPositionUnknown = new Type[columnCount];
        var header = text.AsSpan(0, Math.Max(0, text.IndexOf('\n') is var n and >= 0 ? n : text.Length)).ToString().TrimEnd('\r');
        var names = header.Split(',').Select(x => x.Trim().Trim('"').Trim()).ToArray();
        for (var p = 0; p < columnCount; p++) idPositionUnknown[p] = names[p] == GalaxyZooTaxonomy.IdColumn ? typeof(long) : typeof(float);
        try
        {
            var typed = DataFrame.LoadCsvFromString(text, ',', header: true, dataTypes: idPositionUnknown, cultureInfo: CultureInfo.InvariantCulture);
            if (typed.Columns.Count == columnCount) return new CellReader(typed, typed: true);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException or ArgumentException or IndexOutOfRangeException)
        {
        }
        try
        {
            var strings = DataFrame.LoadCsvFromString(text, ',', header: true, dataTypes: Enumerable.Repeat(typeof(string), columnCount).ToArray(),
                cultureInfo: CultureInfo.InvariantCulture);
            if (strings.Columns.Count != columnCount)
                throw new GalaxyDataException($"the reader found {strings.Columns.Count} columns, the header names {columnCount}", file, 1);
            return new CellReader(strings, typed: false);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException or InvalidCastException or ArgumentException or IndexOutOfRangeException)
        {
            throw new GalaxyDataException($"malformed CSV: {ex.Message}", file, inner: ex);
        }
    }

    /// <summary>Cell access over a typed or string DataFrame, with the reason when a cell is unusable.</summary>
    private sealed class CellReader(DataFrame frame, bool typed)
    {
        public int Rows { get; } = checked((int)frame.Rows.Count);

        public bool TryGetId(int row, int position, out long id, out string problem)
        {
            problem = "";
            id = 0;
            if (typed)
            {
                var value = ((PrimitiveDataFrameColumn<long>)frame.Columns[position])[row];
                if (value is long v) id = v;
                else problem = "the GalaxyID is empty";
                return value is not null;
            }
            var s = ((StringDataFrameColumn)frame.Columns[position])[row]?.Trim().Trim('"');
            if (string.IsNullOrEmpty(s)) { problem = "the GalaxyID is empty"; return false; }
            if (!long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out id)) { problem = $"GalaxyID '{Truncate(s)}' is not an integer"; return false; }
            return true;
        }

        public bool TryGetValue(int row, int position, out float value, out string problem)
        {
            problem = "";
            value = 0;
            if (typed)
            {
                var v = ((PrimitiveDataFrameColumn<float>)frame.Columns[position])[row];
                if (v is float f) value = f;
                else problem = "the value is empty";
                return v is not null;
            }
            var s = ((StringDataFrameColumn)frame.Columns[position])[row]?.Trim().Trim('"');
            if (string.IsNullOrEmpty(s)) { problem = "the value is empty"; return false; }
            if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) { problem = $"'{Truncate(s)}' is not a number"; return false; }
            return true;
        }
    }
}
