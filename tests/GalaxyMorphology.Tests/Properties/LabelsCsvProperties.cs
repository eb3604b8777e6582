using System.Globalization;
using System.Text;
using GalaxyMorphology.Data;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Properties;

/// <summary>
/// Property tests for the labels CSV reader with a seeded generator: random tree-consistent rows written with every
/// formatting the real world produces (column order, BOM, CRLF, quotes, padding, exponents, bare 0/1, blank last line)
/// read back to the same IDs and values; a random corruption is always reported with its line.
/// </summary>
public sealed class LabelsCsvProperties
{
    private const int Cases = 60;

    private static string Format(float v, Random rng) => rng.Next(5) switch
    {
        _ when v == 0 && rng.Next(2) == 0 => "0",
        _ when v == 1 && rng.Next(2) == 0 => "1",
        0 => v.ToString("E9", CultureInfo.InvariantCulture),
        1 => v.ToString("0.0#########", CultureInfo.InvariantCulture),
        2 => v.ToString("R", CultureInfo.InvariantCulture),
        3 => ((double)v * 1000).ToString("0.0#########", CultureInfo.InvariantCulture) + "e-3",
        _ => v.ToString("G9", CultureInfo.InvariantCulture),
    };

    private static (string Text, long[] Ids, float[][] Rows, int[] Order) Generate(Random rng)
    {
        var count = rng.Next(1, 12);
        var ids = Enumerable.Range(0, count).Select(i => 100000L + i * rng.Next(1, 50) + i).Distinct().ToArray();
        var rows = ids.Select(_ => GalaxyZooTaxonomy.Normalize(TaxonomyProperties.RandomRaw(rng).Select(v => float.IsFinite(v) ? Math.Abs(v) % 3 : 0f).ToArray())).ToArray();
        var order = Enumerable.Range(0, 38).ToArray();
        if (rng.Next(2) == 0) rng.Shuffle(order);
        var newline = rng.Next(2) == 0 ? "\n" : "\r\n";
        string Cell(string s) => rng.Next(4) switch { 0 => $"\"{s}\"", 1 => $" {s} ", _ => s };
        string Name(int c) => c == 0 ? GalaxyZooTaxonomy.IdColumn : GalaxyZooTaxonomy.Columns[c - 1];
        var text = new StringBuilder();
        text.Append(string.Join(',', order.Select(c => Cell(Name(c))))).Append(newline);
        for (var r = 0; r < ids.Length; r++)
        {
            var cells = order.Select(c => c == 0 ? ids[r].ToString(CultureInfo.InvariantCulture) : Format(rows[r][c - 1], rng)).Select(Cell);
            text.Append(string.Join(',', cells)).Append(newline);
        }
        if (rng.Next(2) == 0) text.Append(newline);
        return (text.ToString(), ids, rows, order);
    }

    [Fact]
    public void Any_valid_formatting_reads_back_the_same_ids_and_values()
    {
        using var temp = new TestModels.TempFolder();
        var rng = new Random(424242);
        for (var n = 0; n < Cases; n++)
        {
            var (text, ids, rows, _) = Generate(rng);
            var path = temp.File($"case{n}.csv");
            File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: rng.Next(2) == 0));
            var labels = GalaxyLabels.Load(path);
            labels.Ids.Should().Equal(ids, $"case {n}");
            for (var r = 0; r < ids.Length; r++)
                for (var c = 0; c < GalaxyZooTaxonomy.OutputCount; c++)
                    labels.Targets[r][c].Should().BeApproximately(rows[r][c], 2e-4f, $"case {n}, row {r}, {GalaxyZooTaxonomy.Columns[c]}");
        }
    }

    [Fact]
    public void A_random_corruption_is_reported_with_the_file_and_its_line()
    {
        using var temp = new TestModels.TempFolder();
        var rng = new Random(99);
        for (var n = 0; n < Cases; n++)
        {
            var (text, ids, _, order) = Generate(rng);
            var lines = text.Split('\n').ToList();
            var row = rng.Next(1, ids.Length + 1);
            var cells = lines[row].TrimEnd('\r').Split(',');
            var column = rng.Next(1, 38);
            cells[column] = rng.Next(4) switch { 0 => "NaN", 1 => "abc", 2 => "1.7", _ => "-0.4" };
            lines[row] = string.Join(',', cells);
            var path = temp.File($"bad{n}.csv");
            File.WriteAllText(path, string.Join('\n', lines));
            var act = () => GalaxyLabels.Load(path);
            var ex = act.Should().Throw<GalaxyDataException>($"case {n}: row {row}, file column {column} ({(order[column] == 0 ? "GalaxyID" : GalaxyZooTaxonomy.Columns[order[column] - 1])})").Which;
            ex.File.Should().Be(path);
            ex.Line.Should().Be(row + 1, $"case {n}");
        }
    }
}
