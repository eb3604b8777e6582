using GalaxyMorphology.Persistence;
using GalaxyMorphology.Taxonomy;
using SkiaSharp;

namespace GalaxyMorphology.Reporting;

/// <summary>One galaxy in the gallery: its image file, the prediction and (when known) the truth.</summary>
public sealed record GalleryItem(long Id, string ImagePath, GalaxyZooVotes Predicted, GalaxyZooVotes? Truth);

/// <summary>A contact sheet of galaxies with predicted versus true top answers (SkiaSharp, PNG).</summary>
public static class PredictionGallery
{
    private const int Thumb = 160;
    private const int Caption = 58;

    /// <summary>Writes the gallery PNG atomically to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<GalleryItem> items, int columns = 4)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) throw new ArgumentException("the gallery needs at least one galaxy", nameof(items));
        var rows = (items.Count + columns - 1) / columns;
        using var surface = SKSurface.Create(new SKImageInfo(columns * Thumb, rows * (Thumb + Caption), SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(new SKColor(24, 24, 28));
        using var font = new SKFont(SKTypeface.Default, 11);
        using var white = new SKPaint { Color = SKColors.White, IsAntialias = true };
        using var green = new SKPaint { Color = new SKColor(120, 220, 120), IsAntialias = true };
        using var red = new SKPaint { Color = new SKColor(240, 120, 110), IsAntialias = true };
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            float x = i % columns * Thumb, y = i / columns * (Thumb + Caption);
            using (var bitmap = SKBitmap.Decode(item.ImagePath))
            {
                if (bitmap is not null)
                    canvas.DrawBitmap(bitmap, new SKRect(x, y, x + Thumb, y + Thumb));
            }
            var predicted = item.Predicted.TopAnswer(1);
            canvas.DrawText($"#{item.Id}", x + 4, y + Thumb + 13, font, white);
            canvas.DrawText($"pred: {predicted.ShortText} {item.Predicted[predicted.Index]:0.00}", x + 4, y + Thumb + 28, font, white);
            if (item.Truth is { } truth)
            {
                var expected = truth.TopAnswer(1);
                canvas.DrawText($"true: {expected.ShortText} {truth[expected.Index]:0.00}", x + 4, y + Thumb + 43, font,
                    expected.Index == predicted.Index ? green : red);
            }
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, s => png.SaveTo(s));
    }
}
