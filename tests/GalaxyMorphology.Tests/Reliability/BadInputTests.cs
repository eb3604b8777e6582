using System.Buffers.Binary;
using System.Text;
using GalaxyMorphology.Data;
using GalaxyMorphology.Imaging;
using GalaxyMorphology.Synthetic;
using GalaxyMorphology.Tests.Support;

namespace GalaxyMorphology.Tests.Reliability;

/// <summary>The bad inputs the data tests do not build: huge declared sizes, symlink loops, non-ASCII paths.</summary>
public sealed class BadInputTests
{
    private static readonly PreprocessingOptions Options = new() { Size = 32 };

    private static void WriteGalaxy(string path, long id) => File.WriteAllBytes(path, new SyntheticGalaxyGenerator(3).RenderJpeg(id, 96));

    /// <summary>A PNG whose header declares <paramref name="side"/>×<paramref name="side"/> pixels but holds no image data.</summary>
    private static byte[] HugePng(int side)
    {
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 8;  // bit depth
        ihdr[9] = 2;  // RGB
        Chunk(stream, "IHDR", ihdr);
        Chunk(stream, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(stream, "IEND", []);
        return stream.ToArray();

        static void Chunk(Stream s, string type, byte[] data)
        {
            Span<byte> word = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
            s.Write(word);
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            s.Write(typed);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
            s.Write(word);
        }

        static uint Crc32(byte[] bytes)
        {
            var crc = 0xFFFFFFFFu;
            foreach (var b in bytes)
            {
                crc ^= b;
                for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
            return ~crc;
        }
    }

    [Fact]
    public void An_image_declaring_a_huge_size_is_refused_before_decoding_naming_the_file()
    {
        using var temp = new TestModels.TempFolder();
        var path = temp.File("100001.png");
        File.WriteAllBytes(path, HugePng(60_000));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var act = () => new ImagePreprocessor(Options).Process(path);
        act.Should().Throw<InvalidImageException>().WithMessage($"*{path}*");
        (GC.GetTotalAllocatedBytes(precise: true) - before).Should().BeLessThan(64L << 20, "nothing near 60000² pixels may be allocated");

        var skipped = GalaxyImageFolder.Open(temp.Path, Options, new GalaxyDatasetOptions { BadInput = BadInputPolicy.Skip });
        skipped.Count.Should().Be(0);
        skipped.Report.Skipped.Should().ContainSingle().Which.File.Should().Be(path);
    }

    [SkippableFact]
    public void A_symlink_loop_in_the_image_folder_is_reported_not_followed_forever()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "symbolic links need a Unix file system here");
        using var temp = new TestModels.TempFolder();
        var images = temp.File("images");
        Directory.CreateDirectory(images);
        WriteGalaxy(Path.Combine(images, "100001.jpg"), 100001);
        File.CreateSymbolicLink(Path.Combine(images, "100002.jpg"), Path.Combine(images, "100003.jpg"));
        File.CreateSymbolicLink(Path.Combine(images, "100003.jpg"), Path.Combine(images, "100002.jpg"));
        Directory.CreateSymbolicLink(Path.Combine(images, "again"), images);

        var strict = () => GalaxyImageFolder.Open(images, Options);
        strict.Should().Throw<GalaxyDataException>().WithMessage("*10000*.jpg*");

        var folder = GalaxyImageFolder.Open(images, Options, new GalaxyDatasetOptions { BadInput = BadInputPolicy.Skip });
        folder.Ids.Should().Equal(100001L);
        folder.Report.Skipped.Select(s => Path.GetFileName(s.File)).Should().BeEquivalentTo("100002.jpg", "100003.jpg");
        folder.Get(0).Pixels.Should().HaveCount(3 * 32 * 32);
    }

    [Fact]
    public void Non_ascii_folders_load_and_non_ascii_file_names_are_named_in_the_error()
    {
        using var temp = new TestModels.TempFolder();
        var images = temp.File("galaxiés-銀河");
        Directory.CreateDirectory(images);
        WriteGalaxy(Path.Combine(images, "100001.jpg"), 100001);
        GalaxyImageFolder.Open(images, Options).Get(0).Id.Should().Be(100001);

        File.WriteAllBytes(Path.Combine(images, "галактика.jpg"), File.ReadAllBytes(Path.Combine(images, "100001.jpg")));
        var act = () => GalaxyImageFolder.Open(images, Options);
        act.Should().Throw<GalaxyDataException>().WithMessage("*галактика.jpg*");
    }
}
