namespace GalaxyMorphology.Tests.ImagingTests;

/// <summary>
/// Writes a minimal baseline JPEG with four components (CMYK, Adobe APP14 marker, the stored values inverted as
/// Photoshop writes them) holding one flat 8×8 block per component: SkiaSharp cannot encode CMYK, but real survey
/// cut-outs and print scans sometimes are.
/// </summary>
internal static class CmykJpeg
{
    // Standard luminance DC Huffman table (ITU T.81 K.3): code lengths per category 0..11.
    private static readonly byte[] DcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
    private static readonly (int Code, int Length)[] DcCodes =
        [(0b00, 2), (0b010, 3), (0b011, 3), (0b100, 3), (0b101, 3), (0b110, 3), (0b1110, 4), (0b11110, 5), (0b111110, 6), (0b1111110, 7), (0b11111110, 8), (0b111111110, 9)];

    /// <summary>An 8×8 image whose stored (inverted) C, M, Y, K samples are the given bytes.</summary>
    public static byte[] Solid(byte c, byte m, byte y, byte k)
    {
        var o = new List<byte> { 0xFF, 0xD8 };
        o.AddRange([0xFF, 0xEE, 0, 14, (byte)'A', (byte)'d', (byte)'o', (byte)'b', (byte)'e', 0, 100, 0, 0, 0, 0, 0]);
        o.AddRange([0xFF, 0xDB, 0, 67, 0x00]);
        o.AddRange(Enumerable.Repeat((byte)1, 64));
        o.AddRange([0xFF, 0xC0, 0, 20, 8, 0, 8, 0, 8, 4]);
        for (byte id = 1; id <= 4; id++) o.AddRange([id, 0x11, 0]);
        o.AddRange([0xFF, 0xC4, 0, 31, 0x00]);
        o.AddRange(DcBits);
        o.AddRange(Enumerable.Range(0, 12).Select(i => (byte)i));
        o.AddRange([0xFF, 0xC4, 0, 20, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]); // one AC code: '0' = end of block
        o.AddRange([0xFF, 0xDA, 0, 14, 4]);
        for (byte id = 1; id <= 4; id++) o.AddRange([id, 0x00]);
        o.AddRange([0, 63, 0]);

        var bits = new List<bool>();
        void Put(int value, int length)
        {
            for (var i = length - 1; i >= 0; i--) bits.Add(((value >> i) & 1) == 1);
        }
        foreach (var sample in new[] { c, m, y, k })
        {
            var dc = 8 * (sample - 128); // flat block: F(0,0) = 8 × level-shifted value, quantiser 1
            var magnitude = Math.Abs(dc);
            var category = magnitude == 0 ? 0 : (int)Math.Floor(Math.Log2(magnitude)) + 1;
            Put(DcCodes[category].Code, DcCodes[category].Length);
            if (category > 0) Put(dc > 0 ? dc : dc + (1 << category) - 1, category);
            Put(0, 1); // end of block
        }
        while (bits.Count % 8 != 0) bits.Add(true);
        for (var i = 0; i < bits.Count; i += 8)
        {
            var b = 0;
            for (var j = 0; j < 8; j++) b = (b << 1) | (bits[i + j] ? 1 : 0);
            o.Add((byte)b);
            if (b == 0xFF) o.Add(0x00);
        }
        o.AddRange([0xFF, 0xD9]);
        return o.ToArray();
    }
}
