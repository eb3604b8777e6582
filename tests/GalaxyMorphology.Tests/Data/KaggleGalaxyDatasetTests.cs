using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Taxonomy;
using GalaxyMorphology.Tests.ImagingTests;
using SkiaSharp;

namespace GalaxyMorphology.Tests.Data;

public sealed class KaggleGalaxyDatasetTests : IDisposable
{
    private static readonly PreprocessingOptions Small = new() { Size = 4, Scaling = PixelScaling.Raw255 };
    private static readonly GalaxyDatasetOptions Skip = new() { BadInput = BadInputPolicy.Skip };
    private readonly TestImages.TempFolder root = new();

    public KaggleGalaxyDatasetTests() => Directory.CreateDirectory(Images);

    public void Dispose() => root.Dispose();

    private string Images => root.File(KaggleGalaxyDataset.ImagesFolderName);
    private string Csv => root.File(KaggleGalaxyDataset.LabelsFileName);

    /// <summary>The grey level that encodes a GalaxyID in its image.</summary>
    private static byte Grey(long id) => (byte)(20 + id % 200);

    private void Image(long id, string extension = ".jpg", int size = 16)
    {
        using var bitmap = TestImages.Solid(size, size, new SKColor(Grey(id), Grey(id), Grey(id)));
        TestImages.Write(Path.Combine(Images, id + extension), bitmap, extension == ".png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg);
    }

    private void Labels(params long[] ids) => File.WriteAllText(Csv, LabelCsv.Text(ids));

    [Fact]
    public void Labels_and_images_are_joined_by_galaxy_id_not_by_position()
    {
        Labels(30, 4, 17, 112);
        foreach (var id in new long[] { 112, 17, 30, 4 }) Image(id, id == 17 ? ".png" : ".jpg");
        var dataset = KaggleGalaxyDataset.Open(root.Path, Small);
        dataset.Count.Should().Be(4);
        dataset.Ids.Should().Equal(30, 4, 17, 112);
        dataset.TargetColumns.Should().Equal(GalaxyZooTaxonomy.Columns);
        dataset.Shape.Should().Be(new ImageShape(3, 4, 4));
        for (var i = 0; i < dataset.Count; i++)
        {
            var sample = dataset.Get(i);
            sample.Id.Should().Be(dataset.Ids[i]);
            sample.Pixels.Should().OnlyContain(v => Math.Abs(v - Grey(sample.Id)) < 1.5f, $"image of {sample.Id}");
            sample.Targets![GalaxyZooTaxonomy.IndexOf("Class7.2")].Should().Be(LabelCsv.TagOf(sample.Id));
            Path.GetFileNameWithoutExtension(dataset.ImagePath(i)).Should().Be(sample.Id.ToString());
        }
        dataset.Report.Should().BeEquivalentTo(new DatasetReport(4, 4, 4, 0, 0, 0, 0, []));
        var frame = dataset.ToDataFrame();
        frame.Columns.Count.Should().Be(39);
        frame.Columns[^1].Name.Should().Be("ImagePath");
        ((long)frame["GalaxyID"][3]!).Should().Be(112);
    }

    [Fact]
    public void GetInto_decodes_into_the_callers_buffer_what_Get_returns_and_subsets_and_defaults_agree()
    {
        Labels(30, 4, 17);
        foreach (var id in new long[] { 30, 4, 17 }) Image(id);
        var dataset = KaggleGalaxyDataset.Open(root.Path, Small);
        IGalaxyDataset subset = new SubsetGalaxyDataset(dataset, [2, 0]);
        IGalaxyDataset inMemory = new InMemoryGalaxyDataset(Enumerable.Range(0, dataset.Count).Select(dataset.Get), dataset.Shape);
        var buffer = new float[dataset.Shape.Length + 5];
        for (var i = 0; i < dataset.Count; i++)
        {
            var sample = dataset.Get(i);
            Array.Fill(buffer, -7f);
            var (id, targets) = ((IGalaxyDataset)dataset).GetInto(i, buffer.AsSpan(0, dataset.Shape.Length));
            id.Should().Be(sample.Id);
            targets.Should().Equal(sample.Targets);
            buffer[..dataset.Shape.Length].Should().Equal(sample.Pixels);
            buffer[dataset.Shape.Length..].Should().OnlyContain(v => v == -7f, "nothing is written past the item");
            var fromMemory = new float[dataset.Shape.Length];
            inMemory.GetInto(i, fromMemory).Id.Should().Be(sample.Id);
            fromMemory.Should().Equal(sample.Pixels);
        }
        var fromSubset = new float[dataset.Shape.Length];
        subset.GetInto(0, fromSubset).Id.Should().Be(17);
        fromSubset.Should().Equal(dataset.Get(2).Pixels);
        ((Action)(() => ((IGalaxyDataset)dataset).GetInto(0, new float[3]))).Should().Throw<ArgumentException>();
        ((Action)(() => inMemory.GetInto(0, new float[3]))).Should().Throw<InvalidDataException>().WithMessage("*GalaxyID 30*48*3*");
    }

    [Fact]
    public void A_label_without_an_image_throws_or_is_skipped_and_counted()
    {
        Labels(1, 2, 3);
        Image(1);
        Image(3);
        var act = () => KaggleGalaxyDataset.Open(root.Path, Small);
        var ex = act.Should().Throw<GalaxyDataException>().Which;
        (ex.File, ex.Line, ex.Column).Should().Be((Csv, 3, "GalaxyID"));
        ex.Message.Should().Contain("GalaxyID 2 has no usable image");
        var dataset = KaggleGalaxyDataset.Open(Csv, Images, Small, Skip);
        dataset.Ids.Should().Equal(1, 3);
        dataset.Report.MissingImages.Should().Be(1);
        dataset.Report.Skipped.Should().ContainSingle().Which.GalaxyId.Should().Be(2);
    }

    [Fact]
    public void An_image_without_a_label_throws_or_is_skipped_and_counted()
    {
        Labels(1);
        Image(1);
        Image(99);
        File.WriteAllText(Path.Combine(Images, "notes.txt"), "not an image");
        var act = () => KaggleGalaxyDataset.Open(root.Path, Small);
        act.Should().Throw<InvalidImageException>().WithMessage("*99.jpg*GalaxyID 99 has no row*");
        var dataset = KaggleGalaxyDataset.Open(root.Path, Small, Skip);
        dataset.Ids.Should().Equal(1);
        dataset.Report.UnlabelledImages.Should().Be(1);
        dataset.Report.IgnoredFiles.Should().Be(1);
        dataset.Report.ImageFiles.Should().Be(2);
    }

    [Fact]
    public void Bad_image_files_are_caught_at_open_with_their_names()
    {
        Labels(1, 2, 3, 4, 5, 6);
        Image(1);
        File.WriteAllBytes(Path.Combine(Images, "2.jpg"), []);
        File.WriteAllText(Path.Combine(Images, "3.jpg"), "GalaxyID,Class1.1");
        Image(4, size: 32);
        Image(5);
        Image(5, ".png");
        Image(6);
        File.Copy(Path.Combine(Images, "6.jpg"), Path.Combine(Images, "galaxy.jpg"));
        var options = new GalaxyDatasetOptions { ExpectedImageSize = 16 };
        var act = () => KaggleGalaxyDataset.Open(root.Path, Small, options);
        act.Should().Throw<InvalidImageException>().WithMessage("*5.png*two images*", "names are checked before headers");
        File.Delete(Path.Combine(Images, "5.png"));
        File.Delete(Path.Combine(Images, "galaxy.jpg"));
        act.Should().Throw<InvalidImageException>().WithMessage("*2.jpg*empty*");
        Image(5, ".png");
        File.Copy(Path.Combine(Images, "6.jpg"), Path.Combine(Images, "galaxy.jpg"));

        var dataset = KaggleGalaxyDataset.Open(root.Path, Small, options with { BadInput = BadInputPolicy.Skip });
        dataset.Ids.Should().Equal(1, 5, 6);
        var reasons = dataset.Report.Skipped.Where(s => s.File != Csv).ToDictionary(s => Path.GetFileName(s.File), s => s.Reason);
        reasons["2.jpg"].Should().Contain("empty (0 bytes)");
        reasons["3.jpg"].Should().Contain("not a decodable image");
        reasons["4.jpg"].Should().Contain("32x32, expected 16x16");
        reasons["5.png"].Should().Contain("two images");
        reasons["galaxy.jpg"].Should().Contain("not <GalaxyID>.jpg");
        dataset.Report.MissingImages.Should().Be(3, "labels 2, 3 and 4 lost their images");
    }

    [Fact]
    public void A_truncated_image_fails_when_read_naming_the_file()
    {
        Labels(1, 2);
        Image(1);
        using var bitmap = TestImages.Bitmap(64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), 9));
        var jpeg = TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg);
        File.WriteAllBytes(Path.Combine(Images, "2.jpg"), jpeg[..(jpeg.Length * 2 / 3)]);
        var dataset = KaggleGalaxyDataset.Open(root.Path, Small);
        dataset.Get(0).Id.Should().Be(1);
        var act = () => dataset.Get(1);
        act.Should().Throw<InvalidImageException>().WithMessage($"*{Path.Combine(Images, "2.jpg")}*truncated*");
    }

    [Fact]
    public void Greyscale_and_rgba_images_load_as_rgb()
    {
        Labels(1, 2);
        File.WriteAllBytes(Path.Combine(Images, "1.png"), TestImages.GreyPng(16, 16, (_, _) => 100));
        using (var rgba = TestImages.Solid(16, 16, new SKColor(200, 100, 0, 255))) TestImages.Write(Path.Combine(Images, "2.png"), rgba);
        var dataset = KaggleGalaxyDataset.Open(root.Path, Small);
        dataset.Get(0).Pixels.Should().OnlyContain(v => Math.Abs(v - 100) < 0.01f);
        dataset.Get(1).Pixels[0].Should().BeApproximately(200, 0.01f);
        dataset.Get(1).Pixels[32].Should().BeApproximately(0, 0.01f);
    }

    [Fact]
    public void Missing_folders_and_files_are_named()
    {
        var noRoot = () => KaggleGalaxyDataset.Open(root.File("absent"), Small);
        noRoot.Should().Throw<GalaxyDataException>().WithMessage("*absent*does not exist*");
        var noCsv = () => KaggleGalaxyDataset.Open(root.Path, Small);
        noCsv.Should().Throw<GalaxyDataException>().WithMessage($"*{KaggleGalaxyDataset.LabelsFileName}*does not exist*");
        Labels(1);
        var noImages = () => KaggleGalaxyDataset.Open(Csv, root.File("pics"), Small);
        noImages.Should().Throw<GalaxyDataException>().WithMessage("*pics*image folder does not exist*");
    }
}

public sealed class GalaxyImageFolderTests : IDisposable
{
    private readonly TestImages.TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void Images_are_sorted_numerically_by_galaxy_id_and_have_no_targets()
    {
        foreach (var id in new long[] { 10, 9, 100 })
        {
            using var bitmap = TestImages.Solid(8, 8, new SKColor((byte)id, 0, 0));
            TestImages.Write(folder.File($"{id}.jpg"), bitmap, SKEncodedImageFormat.Png);
        }
        var images = GalaxyImageFolder.Open(folder.Path, new PreprocessingOptions { Size = 2, Scaling = PixelScaling.Raw255 });
        images.Ids.Should().Equal(9, 10, 100);
        images.TargetColumns.Should().BeEmpty();
        ((IGalaxyDataset)images).HasTargets.Should().BeFalse();
        var sample = images.Get(2);
        sample.Targets.Should().BeNull();
        sample.Pixels[0].Should().BeApproximately(100, 0.01f);
        images.Report.Matched.Should().Be(3);
    }

    [Fact]
    public void Bad_files_follow_the_policy()
    {
        File.WriteAllBytes(folder.File("5.jpg"), []);
        using (var bitmap = TestImages.Solid(8, 8, SKColors.Gray)) TestImages.Write(folder.File("6.png"), bitmap);
        var act = () => GalaxyImageFolder.Open(folder.Path, new PreprocessingOptions { Size = 2 });
        act.Should().Throw<InvalidImageException>().WithMessage("*5.jpg*");
        var images = GalaxyImageFolder.Open(folder.Path, new PreprocessingOptions { Size = 2 }, new GalaxyDatasetOptions { BadInput = BadInputPolicy.Skip });
        images.Ids.Should().Equal(6);
        images.Report.Skipped.Should().ContainSingle();
        var unchecked_ = GalaxyImageFolder.Open(folder.Path, new PreprocessingOptions { Size = 2 }, new GalaxyDatasetOptions { CheckImages = false });
        unchecked_.Count.Should().Be(2);
    }
}
