using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Everything;

/// <summary>
/// Small but real media files, built once at startup: a PNG image and a WAV sound that any decoder opens. The
/// conformance suite only checks for base64 data and a MIME type; real files keep the fixtures honest for people
/// who look at them with a real client.
/// </summary>
public static class TinyMedia
{
    /// <summary>An 8x8 truecolor PNG: a two-colour checkerboard (image/png).</summary>
    public static ReadOnlyMemory<byte> Png { get; } = BuildPng(width: 8, height: 8);

    /// <summary>50 ms of a 440 Hz sine tone, 8 kHz, 16-bit mono PCM (audio/wav).</summary>
    public static ReadOnlyMemory<byte> Wav { get; } = BuildWav(sampleRate: 8000, milliseconds: 50, frequency: 440);

    private static byte[] BuildPng(int width, int height)
    {
        // Raw scanlines: a filter byte (0 = none) then RGB triples.
        byte[] raw = new byte[height * (1 + (width * 3))];
        int i = 0;
        for (int y = 0; y < height; y++)
        {
            raw[i++] = 0;
            for (int x = 0; x < width; x++)
            {
                bool dark = ((x / 2) + (y / 2)) % 2 == 0;
                raw[i++] = dark ? (byte)0x1F : (byte)0xF2;
                raw[i++] = dark ? (byte)0x6F : (byte)0xA5;
                raw[i++] = dark ? (byte)0xEB : (byte)0x2D;
            }
        }

        byte[] compressed;
        using (var buffer = new MemoryStream())
        {
            using (var zlib = new ZLibStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            compressed = buffer.ToArray();
        }

        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bit depth
        header[9] = 2;   // colour type: truecolor RGB
        header[10] = 0;  // compression: deflate
        header[11] = 0;  // filter method
        header[12] = 0;  // no interlace

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        stream.Write(word);
    }

    private static byte[] BuildWav(int sampleRate, int milliseconds, double frequency)
    {
        const short channels = 1;
        const short bitsPerSample = 16;
        int samples = sampleRate * milliseconds / 1000;
        int dataLength = samples * channels * (bitsPerSample / 8);
        byte[] wav = new byte[44 + dataLength];
        Span<byte> span = wav;
        Encoding.ASCII.GetBytes("RIFF", span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataLength);
        Encoding.ASCII.GetBytes("WAVE", span[8..]);
        Encoding.ASCII.GetBytes("fmt ", span[12..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);                // fmt chunk size
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);                 // PCM
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], channels);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], sampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], sampleRate * channels * bitsPerSample / 8); // byte rate
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], (short)(channels * bitsPerSample / 8));     // block align
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], bitsPerSample);
        Encoding.ASCII.GetBytes("data", span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataLength);
        for (int n = 0; n < samples; n++)
        {
            double value = Math.Sin(2 * Math.PI * frequency * n / sampleRate) * 0.3 * short.MaxValue;
            BinaryPrimitives.WriteInt16LittleEndian(span[(44 + (n * 2))..], (short)Math.Round(value));
        }

        return wav;
    }

    /// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as PNG chunks need it.</summary>
    private static class Crc32
    {
        private static readonly uint[] Table = BuildTable();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (byte b in data)
            {
                crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        private static uint[] BuildTable()
        {
            uint[] table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            return table;
        }
    }
}
