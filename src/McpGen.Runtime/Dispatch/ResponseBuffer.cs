using System;
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.ObjectPool;
using McpGen.ClientInput;
using McpGen.Dispatch;
using McpGen.Http;
using McpGen.Streaming;

namespace McpGen.Dispatch;

/// <summary>
/// A pooled response body: an <see cref="IBufferWriter{T}"/> over an <see cref="ArrayPool{T}"/> array plus a reusable
/// <see cref="Utf8JsonWriter"/> over it. Responses are composed here first, so a tool that throws halfway leaves nothing
/// on the wire and the HTTP status can still be chosen.
/// </summary>
internal sealed class ResponseBuffer : IBufferWriter<byte>
{
    private const int InitialSize = 2048;
    private const int MaxRetainedSize = 256 * 1024;

    private static readonly JsonWriterOptions s_writerOptions = new()
    {
        // Responses are JSON or SSE bodies, never HTML: keep non-ASCII text as UTF-8.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly ObjectPool<ResponseBuffer> s_pool =
        new DefaultObjectPool<ResponseBuffer>(new Policy(), Environment.ProcessorCount * 4);

    private byte[] _buffer;
    private int _written;

    private ResponseBuffer()
    {
        _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        Json = new Utf8JsonWriter(this, s_writerOptions);
    }

    /// <summary>The JSON writer over this buffer. Flush it (<see cref="WrittenMemory"/> does) before reading the bytes.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>The bytes written so far (flushes <see cref="Json"/> first).</summary>
    public ReadOnlyMemory<byte> WrittenMemory
    {
        get
        {
            Json.Flush();
            return _buffer.AsMemory(0, _written);
        }
    }

    public static ResponseBuffer Rent() => s_pool.Get();

    public static void Return(ResponseBuffer buffer) => s_pool.Return(buffer);

    /// <summary>Discards everything written (bytes and JSON writer state).</summary>
    public void Clear()
    {
        Json.Reset(this);
        _written = 0;
    }

    /// <summary>Appends raw bytes (flushing pending JSON first so the order holds).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Json.Flush();
        bytes.CopyTo(GetSpan(bytes.Length));
        _written += bytes.Length;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 256;
        }

        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    private sealed class Policy : IPooledObjectPolicy<ResponseBuffer>
    {
        public ResponseBuffer Create() => new();

        public bool Return(ResponseBuffer obj)
        {
            obj.Clear();
            if (obj._buffer.Length > MaxRetainedSize)
            {
                ArrayPool<byte>.Shared.Return(obj._buffer);
                obj._buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
            }

            return true;
        }
    }
}
