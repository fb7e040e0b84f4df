using System.Text;

namespace QuorumCache.Node.Config;

internal enum HoconTokenKind
{
    Eof,
    Newline,
    Whitespace,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Equals,
    PlusEquals,
    Unquoted,
    Quoted,
    Substitution,
}

internal readonly record struct HoconToken(HoconTokenKind Kind, string Text, ConfigLocation At, string[]? Path = null, bool Optional = false);

/// <summary>
/// Splits HOCON text into tokens. Comments (<c>#</c>, <c>//</c>) are dropped; the newline that
/// ends them is kept because newlines separate fields. Unquoted text is more lenient than the
/// HOCON spec: only whitespace, <c>{ } [ ] , : = " #</c>, <c>//</c>, <c>${</c> and <c>+=</c> end it.
/// </summary>
internal sealed class HoconTokenizer
{
    private readonly string _text;
    private readonly string _file;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    public HoconTokenizer(string text, string file)
    {
        _text = text;
        _file = file;
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _pos = 1;
            _lineStart = 1;
        }
    }

    public List<HoconToken> Tokenize()
    {
        var tokens = new List<HoconToken>();
        while (true)
        {
            var t = Next();
            tokens.Add(t);
            if (t.Kind == HoconTokenKind.Eof)
            {
                return tokens;
            }
        }
    }

    private ConfigLocation Here => new(_file, _line, _pos - _lineStart + 1);

    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private HoconToken Next()
    {
        if (_pos >= _text.Length)
        {
            return new HoconToken(HoconTokenKind.Eof, "", Here);
        }
        var at = Here;
        char c = _text[_pos];
        if (c == '\n')
        {
            _pos++;
            _line++;
            _lineStart = _pos;
            return new HoconToken(HoconTokenKind.Newline, "\n", at);
        }
        if (c == '#' || (c == '/' && Peek(1) == '/'))
        {
            while (_pos < _text.Length && _text[_pos] != '\n')
            {
                _pos++;
            }
            return Next();
        }
        if (IsSpace(c))
        {
            int start = _pos;
            while (_pos < _text.Length && IsSpace(_text[_pos]))
            {
                _pos++;
            }
            return new HoconToken(HoconTokenKind.Whitespace, _text[start.._pos], at);
        }
        switch (c)
        {
            case '{': _pos++; return new HoconToken(HoconTokenKind.LBrace, "{", at);
            case '}': _pos++; return new HoconToken(HoconTokenKind.RBrace, "}", at);
            case '[': _pos++; return new HoconToken(HoconTokenKind.LBracket, "[", at);
            case ']': _pos++; return new HoconToken(HoconTokenKind.RBracket, "]", at);
            case ',': _pos++; return new HoconToken(HoconTokenKind.Comma, ",", at);
            case ':': _pos++; return new HoconToken(HoconTokenKind.Colon, ":", at);
            case '=': _pos++; return new HoconToken(HoconTokenKind.Equals, "=", at);
            case '"':
                return Peek(1) == '"' && Peek(2) == '"' ? TripleQuoted(at) : Quoted(at);
        }
        if (c == '+' && Peek(1) == '=')
        {
            _pos += 2;
            return new HoconToken(HoconTokenKind.PlusEquals, "+=", at);
        }
        if (c == '$' && Peek(1) == '{')
        {
            return Substitution(at);
        }
        return Unquoted(at);
    }

    private static bool IsSpace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private bool EndsUnquoted(char c)
    {
        if (IsSpace(c) || c == '\n')
        {
            return true;
        }
        switch (c)
        {
            case '{': case '}': case '[': case ']': case ',': case ':': case '=': case '"': case '#':
                return true;
            case '/': return Peek(1) == '/';
            case '$': return Peek(1) == '{';
            case '+': return Peek(1) == '=';
            default: return false;
        }
    }

    private HoconToken Unquoted(ConfigLocation at)
    {
        int start = _pos;
        while (_pos < _text.Length && !EndsUnquoted(_text[_pos]))
        {
            _pos++;
        }
        return new HoconToken(HoconTokenKind.Unquoted, _text[start.._pos], at);
    }

    private HoconToken Quoted(ConfigLocation at)
    {
        _pos++; // opening quote
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] == '\n')
            {
                throw ConfigException.Syntax(at, "unterminated quoted string");
            }
            char c = _text[_pos++];
            if (c == '"')
            {
                return new HoconToken(HoconTokenKind.Quoted, sb.ToString(), at);
            }
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }
            var escAt = new ConfigLocation(_file, _line, _pos - _lineStart);
            char e = Peek();
            _pos++;
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !ushort.TryParse(_text.AsSpan(_pos, 4), System.Globalization.NumberStyles.AllowHexSpecifier, null, out ushort code))
                    {
                        throw ConfigException.Syntax(escAt, "bad \\u escape in quoted string (expected 4 hex digits)");
                    }
                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw ConfigException.Syntax(escAt, $"bad escape '\\{(e == '\0' ? "" : e.ToString())}' in quoted string");
            }
        }
    }

    private HoconToken TripleQuoted(ConfigLocation at)
    {
        _pos += 3;
        int start = _pos;
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw ConfigException.Syntax(at, "unterminated \"\"\" string");
            }
            if (_text[_pos] == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // As in HOCON, extra quotes before the closing """ belong to the string.
                while (Peek(3) == '"')
                {
                    _pos++;
                }
                string s = _text[start.._pos];
                _pos += 3;
                return new HoconToken(HoconTokenKind.Quoted, s, at);
            }
            if (_text[_pos] == '\n')
            {
                _line++;
                _lineStart = _pos + 1;
            }
            _pos++;
        }
    }

    private HoconToken Substitution(ConfigLocation at)
    {
        _pos += 2; // ${
        bool optional = false;
        if (Peek() == '?')
        {
            optional = true;
            _pos++;
        }
        int start = _pos;
        while (_pos < _text.Length && _text[_pos] != '}' && _text[_pos] != '\n')
        {
            _pos++;
        }
        if (Peek() != '}')
        {
            throw ConfigException.Syntax(at, "unterminated substitution, expected '}'");
        }
        string inner = _text[start.._pos];
        _pos++;
        string[] path = ParsePathExpression(inner, at);
        return new HoconToken(HoconTokenKind.Substitution, inner, at, path, optional);
    }

    /// <summary>Parses a path such as <c>a.b."c.d"</c> into segments (quoted parts keep their dots).</summary>
    internal static string[] ParsePathExpression(string text, ConfigLocation at)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        bool any = false;
        string trimmed = text.Trim();
        for (int i = 0; i < trimmed.Length; i++)
        {
            char c = trimmed[i];
            if (c == '"')
            {
                int end = trimmed.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw ConfigException.Syntax(at, $"unterminated quote in path '{text}'");
                }
                current.Append(trimmed, i + 1, end - i - 1);
                any = true;
                i = end;
            }
            else if (c == '.')
            {
                if (!any)
                {
                    throw ConfigException.Syntax(at, $"empty segment in path '{text}'");
                }
                segments.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else
            {
                current.Append(c);
                any = true;
            }
        }
        if (!any)
        {
            throw ConfigException.Syntax(at, $"empty segment in path '{text}'");
        }
        segments.Add(current.ToString());
        return segments.ToArray();
    }
}
