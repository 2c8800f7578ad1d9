using System;
using System.Text;

namespace McpGen.Generator.Emitting;

/// <summary>
/// An indenting text writer for generated C#. <see cref="WriteLine(string)"/> re-indents every line of a multi-line
/// (raw) string, so emitters can write whole blocks as they will read in the output. Lines end with <c>\n</c> only.
/// </summary>
internal sealed class SourceWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();

    public int Indentation { get; set; }

    public void WriteLine()
    {
        _text.Append('\n');
    }

    public void WriteLine(string text)
    {
        int start = 0;
        while (start <= text.Length)
        {
            int end = text.IndexOf('\n', start);
            if (end < 0)
            {
                end = text.Length;
            }

            string line = text.Substring(start, end - start).TrimEnd('\r');
            if (line.Length > 0)
            {
                for (int i = 0; i < Indentation; i++)
                {
                    _text.Append(IndentUnit);
                }

                _text.Append(line);
            }

            _text.Append('\n');
            start = end + 1;
        }
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
    public Block Open(string header)
    {
        if (header.Length > 0)
        {
            WriteLine(header);
        }

        WriteLine("{");
        Indentation++;
        return new Block(this, "}");
    }

    /// <summary>Like <see cref="Open"/>, but closes with <paramref name="closing"/> (for example <c>};</c>).</summary>
    public Block Open(string header, string closing)
    {
        if (header.Length > 0)
        {
            WriteLine(header);
        }

        WriteLine("{");
        Indentation++;
        return new Block(this, closing);
    }

    public override string ToString() => _text.ToString();

    /// <summary>Closes a brace block on dispose.</summary>
    public readonly struct Block : IDisposable
    {
        private readonly SourceWriter _writer;
        private readonly string _closing;

        public Block(SourceWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer.Indentation--;
            _writer.WriteLine(_closing);
        }
    }
}
