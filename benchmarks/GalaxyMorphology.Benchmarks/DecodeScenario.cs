using System.Diagnostics;
using System.Text.Json.Nodes;
using GalaxyMorphology.Imaging;

namespace GalaxyMorphology.Benchmarks;

/// <summary>
/// Decode + crop + resize throughput of the real JPEGs: 224 (the notebook's whole-image Lanczos-3, with and without
/// scaled JPEG decoding) and 64 (the
/// winner's 207 crop, with and without scaled JPEG decoding), on 1 and 2 threads (or --size / --threads).
/// --images N limits how many files are read (default: all).
/// </summary>
public sealed class DecodeScenario : IBenchmarkScenario
{
    /// <inheritdoc />
    public string Name => "decode";

    /// <inheritdoc />
    public string Description => "images/s for decode+crop+resize of the real JPEGs to 224 and 64, 1 and 2 threads";

    /// <inheritdoc />
    public int Run(BenchmarkArgs args)
    {
        var data = args.DataDir;
        var folder = data is null ? null : Path.Combine(data, "images_training_rev1");
        if (folder is null || !Directory.Exists(folder))
        {
            Console.Error.WriteLine("error: no images: pass --data DIR (a folder holding images_training_rev1/), e.g. ../shared/realdata");
            return 2;
        }
        var files = Directory.GetFiles(folder, "*.jpg").Order(StringComparer.Ordinal).ToArray();
        if (args.GetInt("images") is int limit) files = files.Take(limit).ToArray();
        if (files.Length == 0)
        {
            Console.Error.WriteLine($"error: no .jpg files in {folder}");
            return 2;
        }
        if (args.Get("profile") is "codec")
        {
            CodecProfile.Run(files);
            // how far the scaled decode (5/8 in the inverse DCT, then Lanczos-3) lands from a full decode at 224, in 0..1 units
            var exact = new ImagePreprocessor(PreprocessingOptions.Notebook with { Scaling = PixelScaling.UnitRange, ScaledDecoding = false });
            var scaled = new ImagePreprocessor(PreprocessingOptions.Notebook with { Scaling = PixelScaling.UnitRange, ScaledDecoding = true });
            double sum = 0, max = 0;
            long n = 0;
            foreach (var file in files.Take(200))
            {
                var a = exact.Process(file);
                var b = scaled.Process(file);
                for (var i = 0; i < a.Length; i++)
                {
                    var d = Math.Abs(a[i] - b[i]);
                    sum += d;
                    max = Math.Max(max, d);
                }
                n += a.Length;
            }
            Console.WriteLine($"scaled vs full decode at 224 over {Math.Min(200, files.Length)} images: mean |diff| {sum / n:0.00000}, max {max:0.0000} (0..1 units)");
            return 0;
        }
        var threads = args.Threads is int t ? new[] { t } : [1, 2];
        var configurations = new List<(string Name, PreprocessingOptions Options)>();
        var stats = new PreprocessingOptions { Mean = [0.1f, 0.1f, 0.1f], Std = [0.1f, 0.1f, 0.1f] };
        foreach (var size in args.Size is int s ? new[] { s } : [224, 64])
        {
            if (size >= 207)
            {
                // the preset (JPEG decoded at 5/8 in the inverse DCT, then Lanczos-3) and the same from a full-resolution decode
                configurations.Add(("notebook", PreprocessingOptions.Notebook with { Size = size }));
                configurations.Add(("notebook-fulldecode", PreprocessingOptions.Notebook with { Size = size, ScaledDecoding = false }));
                // --profile 1: the full decode with a 1-tap filter (the decode's own cost)
                if (args.Get("profile") is "1")
                    configurations.Add(("notebook-nearest", PreprocessingOptions.Notebook with { Size = size, Filter = ResizeFilter.Nearest, ScaledDecoding = false }));
            }
            else
            {
                var crop = PreprocessingOptions.CompactCrop with { Size = size, Mean = stats.Mean, Std = stats.Std };
                configurations.Add(("crop207-scaled", crop));
                configurations.Add(("crop207-full", crop with { ScaledDecoding = false }));
            }
        }
        foreach (var (name, options) in configurations)
        {
            var preprocessor = new ImagePreprocessor(options);
            foreach (var file in files.Take(200)) preprocessor.Process(file); // warm-up: tiered JIT, weight cache, page cache
            foreach (var n in threads)
            {
                var sw = Stopwatch.StartNew();
                Parallel.For(0, files.Length, new ParallelOptions { MaxDegreeOfParallelism = n }, i => preprocessor.Process(files[i]));
                var seconds = sw.Elapsed.TotalSeconds;
                BenchmarkArgs.Emit(new JsonObject
                {
                    ["scenario"] = Name,
                    ["size"] = options.Size,
                    ["threads"] = n,
                    ["imagesPerSecond"] = Math.Round(files.Length / seconds, 1),
                    ["preset"] = name,
                    ["cropSize"] = options.CropSize,
                    ["filter"] = options.Filter.ToString(),
                    ["scaledDecoding"] = options.ScaledDecoding,
                    ["images"] = files.Length,
                });
            }
        }
        return 0;
    }
}

/// <summary>Decode-only timing of Skia's JPEG codec into different pixel layouts (--profile 1 helper).</summary>
internal static class CodecProfile
{
    public static void Run(string[] files)
    {
        foreach (var (name, type, alpha) in new[] { ("rgba-premul", SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Premul), ("rgba-opaque", SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque), ("bgra-premul", SkiaSharp.SKColorType.Bgra8888, SkiaSharp.SKAlphaType.Premul), ("rgb888x", SkiaSharp.SKColorType.Rgb888x, SkiaSharp.SKAlphaType.Opaque) })
        {
            var buffer = System.Runtime.InteropServices.Marshal.AllocHGlobal(424 * 424 * 4);
            var bytes = files.Select(File.ReadAllBytes).ToArray();
            var sw = Stopwatch.StartNew();
            var createTicks = 0L;
            foreach (var b in bytes)
            {
                var t0 = sw.ElapsedTicks;
                using var data = SkiaSharp.SKData.CreateCopy(b);
                using var codec = SkiaSharp.SKCodec.Create(data);
                createTicks += sw.ElapsedTicks - t0;
                var info = new SkiaSharp.SKImageInfo(codec.Info.Width, codec.Info.Height, type, alpha);
                codec.GetPixels(info, buffer);
            }
            System.Runtime.InteropServices.Marshal.FreeHGlobal(buffer);
            Console.WriteLine($"{name}: {sw.Elapsed.TotalMilliseconds / bytes.Length:0.000} ms/image (create {createTicks * 1000.0 / Stopwatch.Frequency / bytes.Length:0.000})");
        }
    }
}
