using System.Globalization;
using System.Text.Json;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Taxonomy;
using SkiaSharp;

namespace GalaxyMorphology.Tests.Synthetic;

public sealed class SyntheticKaggleWriterTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "synthetic-writer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private static SyntheticWriterOptions Small(int count = 6, int test = 0, int threads = 2) =>
        new() { Count = count, TestCount = test, Size = 64, Threads = threads, Seed = 4, FirstId = 200000 };

    [Fact]
    public void Writes_the_kaggle_layout_with_exact_header_rows_and_images()
    {
        var folder = Path.Combine(root, "data");
        var reported = new List<int>();
        var result = SyntheticKaggleWriter.Write(folder, Small(6, 3), new SyncProgress(reported.Add));

        result.Folder.Should().Be(Path.GetFullPath(folder));
        result.TrainingCount.Should().Be(6);
        result.TestCount.Should().Be(3);
        result.Seconds.Should().BeGreaterThan(0);
        reported.Should().HaveCount(9);
        reported.Max().Should().Be(9);

        var lines = File.ReadAllLines(Path.Combine(folder, "training_solutions_rev1.csv"));
        lines[0].Should().Be("GalaxyID," + string.Join(",", Enumerable.Range(0, 37).Select(i => GalaxyZooTaxonomy.Columns[i])));
        lines[0].Should().StartWith("GalaxyID,Class1.1,Class1.2,Class1.3,Class2.1").And.EndWith("Class11.5,Class11.6");
        lines.Should().HaveCount(7);
        File.ReadAllText(Path.Combine(folder, "training_solutions_rev1.csv")).Should().NotContain("\r");
        var generator = new SyntheticGalaxyGenerator(4);
        for (var i = 1; i < lines.Length; i++)
        {
            var cells = lines[i].Split(',');
            cells.Should().HaveCount(38);
            var id = long.Parse(cells[0], CultureInfo.InvariantCulture);
            id.Should().Be(200000 + i - 1);
            var values = cells.Skip(1).Select(c => float.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray();
            GalaxyZooTaxonomy.Validate(values).Should().BeEmpty();
            values.Should().BeEquivalentTo(generator.Targets(id), o => o.Using<float>(x => x.Subject.Should().BeApproximately(x.Expectation, 1e-6f)).WhenTypeIs<float>());
            cells.Skip(1).Should().OnlyContain(c => !c.Contains('E') && !c.EndsWith('0') || c == "0", "values are written like the Kaggle file: 0 and 1 bare, no trailing zeros");

            var image = Path.Combine(folder, "images_training_rev1", $"{id}.jpg");
            using var bitmap = SKBitmap.Decode(image);
            bitmap.Should().NotBeNull($"{image} should be a JPEG");
            bitmap.Width.Should().Be(64);
            bitmap.Height.Should().Be(64);
        }
        Directory.GetFiles(Path.Combine(folder, "images_training_rev1")).Should().HaveCount(6);

        var test = File.ReadAllLines(Path.Combine(folder, "test_solutions_rev1.csv"));
        test[0].Should().Be(lines[0]);
        test.Skip(1).Select(l => l.Split(',')[0]).Should().Equal("200006", "200007", "200008");
        Directory.GetFiles(Path.Combine(folder, "images_test_rev1")).Select(Path.GetFileName).Should()
            .BeEquivalentTo(["200006.jpg", "200007.jpg", "200008.jpg"]);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "synthetic.json")));
        manifest.RootElement.GetProperty("Complete").GetBoolean().Should().BeTrue();
        var options = manifest.RootElement.GetProperty("Options");
        options.GetProperty("Count").GetInt32().Should().Be(6);
        options.GetProperty("Seed").GetInt32().Should().Be(4);
        options.GetProperty("Difficulty").GetString().Should().Be("Standard");
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Should().NotContain(f => Path.GetFileName(f).StartsWith('.'), "no temporary file is left");
    }

    [Fact]
    public void Output_is_byte_identical_for_one_or_several_threads()
    {
        var one = SyntheticKaggleWriter.Write(Path.Combine(root, "one"), Small(8, threads: 1)).Folder;
        var three = SyntheticKaggleWriter.Write(Path.Combine(root, "three"), Small(8, threads: 3)).Folder;
        File.ReadAllBytes(Path.Combine(one, "training_solutions_rev1.csv")).Should().Equal(File.ReadAllBytes(Path.Combine(three, "training_solutions_rev1.csv")));
        foreach (var file in Directory.GetFiles(Path.Combine(one, "images_training_rev1")))
            File.ReadAllBytes(file).Should().Equal(File.ReadAllBytes(Path.Combine(three, "images_training_rev1", Path.GetFileName(file))));
    }

    [Fact]
    public void Refuses_a_non_empty_foreign_folder_unless_overwrite_is_set()
    {
        var folder = Path.Combine(root, "foreign");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "mine");

        FluentActions.Invoking(() => SyntheticKaggleWriter.Write(folder, Small(2)))
            .Should().Throw<IOException>().WithMessage($"*{Path.GetFullPath(folder)}*not empty*Overwrite*");
        Directory.GetFileSystemEntries(folder).Should().HaveCount(1, "nothing is written into a refused folder");

        SyntheticKaggleWriter.Write(folder, Small(2) with { Overwrite = true });
        File.ReadAllText(Path.Combine(folder, "notes.txt")).Should().Be("mine", "only the Kaggle-layout files are replaced");
        Directory.GetFiles(Path.Combine(folder, "images_training_rev1")).Should().HaveCount(2);
    }

    [Fact]
    public void Rewriting_a_previous_synthetic_output_replaces_it_completely()
    {
        var folder = Path.Combine(root, "again");
        SyntheticKaggleWriter.Write(folder, Small(5, 2));
        SyntheticKaggleWriter.Write(folder, Small(3));
        Directory.GetFiles(Path.Combine(folder, "images_training_rev1")).Should().HaveCount(3);
        File.ReadAllLines(Path.Combine(folder, "training_solutions_rev1.csv")).Should().HaveCount(4);
        Directory.Exists(Path.Combine(folder, "images_test_rev1")).Should().BeFalse();
        File.Exists(Path.Combine(folder, "test_solutions_rev1.csv")).Should().BeFalse();
    }

    [Fact]
    public void Cancellation_stops_early_and_leaves_no_temporary_files_or_labels()
    {
        var folder = Path.Combine(root, "cancelled");
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(n =>
        {
            if (n >= 3) cts.Cancel();
        });
        FluentActions.Invoking(() => SyntheticKaggleWriter.Write(folder, Small(400), progress, cancellationToken: cts.Token))
            .Should().Throw<OperationCanceledException>();

        var images = Directory.GetFiles(Path.Combine(folder, "images_training_rev1"));
        images.Length.Should().BeInRange(3, 40, "work stops soon after the cancellation");
        images.Should().OnlyContain(f => f.EndsWith(".jpg") && !Path.GetFileName(f).StartsWith('.'));
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Should().NotContain(f => f.Contains(".tmp"));
        File.Exists(Path.Combine(folder, "training_solutions_rev1.csv")).Should().BeFalse("labels are written only for a complete set");
        File.ReadAllText(Path.Combine(folder, "synthetic.json")).Should().Contain("\"Complete\": false");

        // The interrupted folder is recognised as synthetic and can be written again.
        SyntheticKaggleWriter.Write(folder, Small(2)).TrainingCount.Should().Be(2);
    }

    [Theory]
    [InlineData("Count")]
    [InlineData("Size")]
    [InlineData("Threads")]
    [InlineData("JpegQuality")]
    public void Invalid_options_are_rejected_by_name(string name)
    {
        var options = name switch
        {
            "Count" => Small() with { Count = -1 },
            "Size" => Small() with { Size = 2 },
            "Threads" => Small() with { Threads = 0 },
            _ => Small() with { JpegQuality = 101 },
        };
        FluentActions.Invoking(() => SyntheticKaggleWriter.Write(Path.Combine(root, "x"), options))
            .Should().Throw<ArgumentException>().WithParameterName(name);
        Directory.Exists(Path.Combine(root, "x")).Should().BeFalse();
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }
}
