using System.Globalization;
using System.Text;
using GalaxyMorphology.Data;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.ImagingTests;
using Microsoft.Data.Analysis;

namespace GalaxyMorphology.Tests.Data;

public sealed class GalaxyLabelsTests : IDisposable
{
    private readonly TestImages.TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private string Write(string text, string name = "labels.csv", Encoding? encoding = null)
    {
        var path = folder.File(name);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    private GalaxyDataException Fails(string text, GalaxyDatasetOptions? options = null)
    {
        var path = Write(text);
        var act = () => GalaxyLabels.Load(path, options);
        var ex = act.Should().Throw<GalaxyDataException>().Which;
        ex.File.Should().Be(path);
        ex.Message.Should().StartWith(path);
        return ex;
    }

    [Fact]
    public void Loads_rows_in_file_order_with_values_in_canonical_columns()
    {
        var labels = GalaxyLabels.Load(Write(LabelCsv.Text([30, 10, 20])));
        labels.Ids.Should().Equal(30, 10, 20);
        labels.Count.Should().Be(3);
        labels.Targets[1].Should().Equal(LabelCsv.Row(LabelCsv.TagOf(10)));
        labels.Lines.Should().Equal(2, 3, 4);
        labels.TryGetIndex(20, out var index).Should().BeTrue();
        index.Should().Be(2);
        labels.Skipped.Should().BeEmpty();
    }

    [Fact]
    public void Shuffled_columns_are_reordered_and_bare_integers_and_exponents_parse()
    {
        var columns = new[] { "GalaxyID" }.Concat(GalaxyZooTaxonomy.Columns).ToArray();
        var order = Enumerable.Range(0, columns.Length).ToArray();
        new Random(3).Shuffle(order);
        var row = LabelCsv.Row(0.25f);
        row[2] = 2.91e-06f;
        row[0] = 0.5f - 2.91e-06f;
        var cells = new[] { "100008" }.Concat(row.Select(v => v switch { 0f => "0", _ => v.ToString("R", CultureInfo.InvariantCulture) })).ToArray();
        cells[3] = "2.91e-06";
        var text = string.Join(',', order.Select(i => columns[i])) + "\n" + string.Join(',', order.Select(i => cells[i])) + "\n";
        var labels = GalaxyLabels.Load(Write(text));
        labels.Ids.Should().Equal(100008);
        labels.Targets[0][2].Should().Be(2.91e-06f);
        labels.Targets[0][GalaxyZooTaxonomy.IndexOf("Class7.2")].Should().Be(0.25f);
    }

    [Fact]
    public void Bom_crlf_quotes_and_blank_trailing_lines_are_accepted()
    {
        var quoted = LabelCsv.Header.Replace("GalaxyID", "\"GalaxyID\"") + "\r\n\"7\"," + LabelCsv.Line(7)[2..] + "\r\n" + LabelCsv.Line(8) + "\r\n\r\n";
        var labels = GalaxyLabels.Load(Write(quoted, encoding: new UTF8Encoding(true)));
        labels.Ids.Should().Equal(7, 8);
        labels.Targets[1].Should().Equal(LabelCsv.Row(LabelCsv.TagOf(8)));
    }

    [Fact]
    public void Structural_problems_are_named()
    {
        Fails("").Message.Should().Contain("empty");
        Fails(LabelCsv.Header + "\n").Message.Should().Contain("no data rows");
        var semicolon = Fails(LabelCsv.Header.Replace(',', ';') + "\n" + LabelCsv.Line(1, separator: ";") + "\n");
        semicolon.Message.Should().Contain("';'");
        semicolon.Line.Should().Be(1);
        var missing = Fails(LabelCsv.Header.Replace(",Class5.3", "") + "\n");
        (missing.Line, missing.Column).Should().Be((1, "Class5.3"));
        var extra = Fails(LabelCsv.Header + ",Notes\n" + LabelCsv.Line(1) + ",x\n");
        extra.Column.Should().Be("Notes");
        Fails(LabelCsv.Header + ",Class1.1\n").Message.Should().Contain("appears twice");
        Fails(LabelCsv.Header.Replace("GalaxyID,", "") + ",Id\n").Message.Should().Contain("Id");
        var absent = () => GalaxyLabels.Load(folder.File("nope.csv"));
        absent.Should().Throw<GalaxyDataException>().WithMessage("*nope.csv*does not exist*");
    }

    [Theory]
    [InlineData("Class3.2", "NaN", "not a finite number")]
    [InlineData("Class3.2", "1.5", "outside [0, 1]")]
    [InlineData("Class3.2", "-0.1", "outside [0, 1]")]
    [InlineData("Class3.2", "abc", "'abc' is not a number")]
    [InlineData("Class3.2", "", "empty")]
    [InlineData("GalaxyID", "12x", "not an integer")]
    public void Bad_cells_name_line_and_column(string column, string value, string words)
    {
        var lines = new List<string> { LabelCsv.Header, LabelCsv.Line(1), LabelCsv.Line(2), LabelCsv.Line(3) };
        var cells = lines[2].Split(',');
        cells[column == "GalaxyID" ? 0 : 1 + GalaxyZooTaxonomy.IndexOf(column)] = value;
        lines[2] = string.Join(',', cells);
        var text = string.Join('\n', lines) + "\n";
        var ex = Fails(text);
        (ex.Line, ex.Column).Should().Be((3, column));
        ex.Message.Should().Contain(words);

        var skipped = GalaxyLabels.Load(Write(text, "skip.csv"), new GalaxyDatasetOptions { BadInput = BadInputPolicy.Skip });
        skipped.Ids.Should().Equal(1, 3);
        skipped.Skipped.Should().ContainSingle().Which.Line.Should().Be(3);
        skipped.Skipped[0].Reason.Should().Contain(words);
    }

    [Fact]
    public void Duplicate_ids_name_both_lines()
    {
        var text = LabelCsv.Text([5, 6, 5]);
        var ex = Fails(text);
        (ex.Line, ex.Column).Should().Be((4, "GalaxyID"));
        ex.Message.Should().Contain("appears twice (first on line 2)");
        var skipped = GalaxyLabels.Load(Write(text, "skip.csv"), new GalaxyDatasetOptions { BadInput = BadInputPolicy.Skip });
        skipped.Ids.Should().Equal(5, 6);
        skipped.Skipped.Single().GalaxyId.Should().Be(5);
    }

    [Fact]
    public void Tree_sum_violations_throw_or_warn()
    {
        var bad = LabelCsv.Row(0.1f);
        bad[GalaxyZooTaxonomy.IndexOf("Class7.1")] = 0.1f; // Q7 now sums to 0.2, not Class1.1 = 0.5
        var text = LabelCsv.Header + "\n" + LabelCsv.Line(1) + "\n" + LabelCsv.Line(2, bad) + "\n";
        var ex = Fails(text);
        ex.Line.Should().Be(3);
        ex.Message.Should().Contain("Q7").And.Contain("Class1.1");
        var warned = GalaxyLabels.Load(Write(text, "warn.csv"), new GalaxyDatasetOptions { TreeSums = TreeSumPolicy.Warn });
        warned.Ids.Should().Equal(1, 2);
        warned.TreeSumViolations.Should().Be(1);
        var tolerant = GalaxyLabels.Load(Write(text, "tol.csv"), new GalaxyDatasetOptions { TreeSumTolerance = 0.5 });
        tolerant.TreeSumViolations.Should().Be(0);
    }

    [Fact]
    public void Blank_lines_inside_the_file_keep_line_numbers_right()
    {
        var text = LabelCsv.Header + "\n" + LabelCsv.Line(1) + "\n\n" + LabelCsv.Line(2).Replace(",0.2,", ",7,") + "\n";
        var ex = Fails(text);
        ex.Line.Should().Be(4);
    }

    [Fact]
    public void Rows_with_too_few_fields_are_rejected()
    {
        var text = LabelCsv.Header + "\n" + LabelCsv.Line(1) + "\n" + "2,0.5,0.5\n";
        var path = Write(text);
        var act = () => GalaxyLabels.Load(path);
        act.Should().Throw<GalaxyDataException>().Where(e => e.Message.Contains(path) && e.Line == 3 && e.Column == "Class1.3")
            .WithMessage("*fewer fields than the header*");
        var longer = Write(LabelCsv.Header + "\n" + LabelCsv.Line(1) + ",0.5\n", "long.csv");
        var tooMany = () => GalaxyLabels.Load(longer);
        tooMany.Should().Throw<GalaxyDataException>().Where(e => e.Line == 2).WithMessage("*long.csv, line 2: the row has 39 fields, the header has 38");
    }

    [Fact]
    public void To_data_frame_has_typed_columns_in_canonical_order()
    {
        var frame = GalaxyLabels.Load(Write(LabelCsv.Text([4, 9]))).ToDataFrame();
        frame.Columns.Count.Should().Be(38);
        frame.Columns[0].Name.Should().Be("GalaxyID");
        frame.Columns[0].Should().BeOfType<Int64DataFrameColumn>();
        frame.Columns.Skip(1).Select(c => c.Name).Should().Equal(GalaxyZooTaxonomy.Columns);
        frame.Columns["Class7.2"].Should().BeOfType<SingleDataFrameColumn>();
        frame.Rows.Count.Should().Be(2);
        ((float)frame["Class7.2"][1]!).Should().Be(LabelCsv.TagOf(9));
    }
}
