using System.Text;

namespace Dfa.Runs.Reports;

/// <summary>
/// A writer for logs and pipes that ends no line in spaces: console tables pad every cell to its column's width, which
/// in a file is trailing blanks on every row. Text passes through a line at a time; a line's trailing spaces are
/// dropped when it ends (or on <see cref="Flush"/>, where a partial line is written as it is so far, trimmed).
/// </summary>
public sealed class LineTrimmingWriter(TextWriter inner) : TextWriter
{
    private readonly StringBuilder _line = new();

    /// <inheritdoc/>
    public override Encoding Encoding => inner.Encoding;

    /// <inheritdoc/>
    public override void Write(char value)
    {
        if (value == '\n')
        {
            inner.Write(Trimmed());
            inner.Write('\n');
            _line.Clear();
        }
        else
        {
            _line.Append(value);
        }
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        foreach (char c in value ?? string.Empty)
        {
            Write(c);
        }
    }

    /// <inheritdoc/>
    public override void Flush()
    {
        // Spaces may still be followed by more of the line, so only the text before them is written now.
        string text = _line.ToString();
        string kept = text.TrimEnd(' ');
        inner.Write(kept);
        _line.Clear().Append(text, kept.Length, text.Length - kept.Length);
        inner.Flush();
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Write(Trimmed());
            _line.Clear();
            inner.Flush();
        }

        base.Dispose(disposing);
    }

    private string Trimmed()
    {
        string text = _line.ToString();
        return text.EndsWith('\r') ? text.TrimEnd('\r').TrimEnd(' ') + "\r" : text.TrimEnd(' ');
    }
}
