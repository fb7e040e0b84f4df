using System.Text;

namespace QuorumCache.Node.Config;

/// <summary>Builds the unresolved tree of one file (includes parse into the same tree).</summary>
internal sealed class HoconTreeBuilder
{
    private readonly List<HoconToken> _tokens;
    private readonly string _file;
    private readonly string _baseDir;
    private readonly List<string> _includeStack;
    private int _i;

    public HoconTreeBuilder(string text, string file, string baseDir, List<string> includeStack)
    {
        _file = file;
        _baseDir = baseDir;
        _includeStack = includeStack;
        _tokens = new HoconTokenizer(text, file).Tokenize();
    }

    private HoconToken Peek(int ahead = 0) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];

    private HoconToken Advance() => _tokens[Math.Min(_i++, _tokens.Count - 1)];

    private void SkipSpace()
    {
        while (Peek().Kind == HoconTokenKind.Whitespace)
        {
            _i++;
        }
    }

    private void SkipSpaceAndNewlines()
    {
        while (Peek().Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            _i++;
        }
    }

    private static string Describe(HoconToken t) => t.Kind switch
    {
        HoconTokenKind.Eof => "end of file",
        HoconTokenKind.Newline => "end of line",
        HoconTokenKind.Quoted => $"\"{t.Text}\"",
        HoconTokenKind.Substitution => $"${{{t.Text}}}",
        _ => $"'{t.Text}'",
    };

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    /// <summary>Parses a whole file (braced or unbraced root) into <paramref name="root"/>; keys of messages start with <paramref name="prefix"/>.</summary>
    public void ParseInto(HoconObject root, string prefix = "")
    {
        SkipSpaceAndNewlines();
        var t = Peek();
        if (t.Kind == HoconTokenKind.LBracket)
        {
            throw ConfigException.Syntax(t.At, "the root of a config file must be an object, not an array");
        }
        if (t.Kind == HoconTokenKind.LBrace)
        {
            Advance();
            ParseFields(root, prefix, braced: true, t.At);
            SkipSpaceAndNewlines();
            var end = Peek();
            if (end.Kind != HoconTokenKind.Eof)
            {
                throw ConfigException.Syntax(end.At, $"unexpected {Describe(end)} after the closing '}}' of the root object");
            }
            return;
        }
        ParseFields(root, prefix, braced: false, t.At);
    }

    private void ParseFields(HoconObject target, string prefix, bool braced, ConfigLocation openAt)
    {
        while (true)
        {
            SkipSpaceAndNewlines();
            var t = Peek();
            if (t.Kind == HoconTokenKind.RBrace)
            {
                if (!braced)
                {
                    throw ConfigException.Syntax(t.At, "unexpected '}' (no object is open)");
                }
                Advance();
                return;
            }
            if (t.Kind == HoconTokenKind.Eof)
            {
                if (braced)
                {
                    throw ConfigException.Syntax(t.At, $"expected '}}' to close the object opened at line {openAt.Line}");
                }
                return;
            }
            string key;
            if (IsInclude())
            {
                ParseInclude(target, prefix);
                key = "include";
            }
            else
            {
                key = ParseField(target, prefix);
            }
            SkipSpace();
            var after = Peek();
            switch (after.Kind)
            {
                case HoconTokenKind.Comma:
                    Advance();
                    break;
                case HoconTokenKind.Newline or HoconTokenKind.RBrace or HoconTokenKind.Eof:
                    break;
                case HoconTokenKind.Colon or HoconTokenKind.Equals:
                    throw ConfigException.Syntax(after.At, $"unexpected {Describe(after)} in the value of '{key}' (quote values that contain ':' or '=')", key);
                default:
                    throw ConfigException.Syntax(after.At, $"expected ',' or a new line after the value of '{key}', found {Describe(after)}", key);
            }
        }
    }

    /// <summary>Parses <c>key = value</c>, <c>key : value</c> or <c>key { ... }</c>; returns the full dotted key.</summary>
    private string ParseField(HoconObject target, string prefix)
    {
        // Unlike full HOCON, whitespace ends a key ("a b = 1" is an error, "\"a b\" = 1" is fine):
        // "replicas 3" is far more often a missing '=' than a key with a space.
        var keyAt = Peek().At;
        var pieces = new List<HoconToken>();
        while (Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted)
        {
            pieces.Add(Advance());
        }
        SkipSpace();
        if (pieces.Count == 0)
        {
            var bad = Peek();
            throw ConfigException.Syntax(bad.At, $"expected a key, found {Describe(bad)}");
        }
        string[] path = KeyPath(pieces, keyAt, prefix);
        string fullKey = Join(prefix, string.Join('.', path));
        var sep = Peek();
        switch (sep.Kind)
        {
            case HoconTokenKind.Equals or HoconTokenKind.Colon:
                Advance();
                SkipSpace();
                break;
            case HoconTokenKind.LBrace:
                break;
            case HoconTokenKind.PlusEquals:
                throw ConfigException.Syntax(sep.At, $"'+=' is not supported (key '{fullKey}')", fullKey);
            case HoconTokenKind.Substitution:
                throw ConfigException.Syntax(sep.At, $"a substitution cannot be part of a key (key '{fullKey}')", fullKey);
            default:
                throw ConfigException.Syntax(sep.At, $"expected '=' or ':' after key '{fullKey}'", fullKey);
        }

        HoconObject parent = target;
        string parentKey = prefix;
        for (int s = 0; s < path.Length - 1; s++)
        {
            parentKey = Join(parentKey, path[s]);
            parent = ObjectFor(parent, path[s], parentKey, keyAt);
        }
        string last = path[^1];
        var open = Peek();
        if (open.Kind == HoconTokenKind.LBrace)
        {
            Advance();
            var obj = ObjectFor(parent, last, fullKey, keyAt);
            ParseFields(obj, fullKey, braced: true, open.At);
            return fullKey;
        }
        var value = ParseNonObjectValue(fullKey);
        var field = parent.GetOrAdd(last);
        field.Current = new HoconAssignment(value, fullKey, keyAt, field.Current);
        return fullKey;
    }

    /// <summary>The object a field holds, reused when it already is one (that is how objects merge), else a new one.</summary>
    private static HoconObject ObjectFor(HoconObject parent, string name, string key, ConfigLocation at)
    {
        var field = parent.GetOrAdd(name);
        if (field.Current?.Value is HoconObject existing)
        {
            return existing;
        }
        var obj = new HoconObject(at);
        field.Current = new HoconAssignment(obj, key, at, field.Current);
        return obj;
    }

    private string[] KeyPath(List<HoconToken> pieces, ConfigLocation at, string prefix)
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        bool any = false;
        string Written() => Join(prefix, string.Concat(pieces.Select(p => p.Kind == HoconTokenKind.Quoted ? $"\"{p.Text}\"" : p.Text)));
        foreach (var p in pieces)
        {
            if (p.Kind != HoconTokenKind.Unquoted)
            {
                current.Append(p.Text);
                any |= p.Kind == HoconTokenKind.Quoted;
                continue;
            }
            foreach (char c in p.Text)
            {
                if (c != '.')
                {
                    current.Append(c);
                    any = true;
                    continue;
                }
                if (!any)
                {
                    throw ConfigException.Syntax(at, $"empty segment in key '{Written()}'");
                }
                segments.Add(current.ToString());
                current.Clear();
                any = false;
            }
        }
        if (!any)
        {
            throw ConfigException.Syntax(at, $"empty segment in key '{Written()}'");
        }
        segments.Add(current.ToString());
        return segments.ToArray();
    }

    private HoconNode ParseNonObjectValue(string fullKey)
    {
        var t = Peek();
        switch (t.Kind)
        {
            case HoconTokenKind.LBracket:
                return ParseArray(fullKey);
            case HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Substitution:
                return ParseSimple(fullKey);
            case HoconTokenKind.Newline or HoconTokenKind.Eof or HoconTokenKind.Comma or HoconTokenKind.RBrace or HoconTokenKind.RBracket:
                throw ConfigException.Syntax(t.At, $"missing value for key '{fullKey}'", fullKey);
            default:
                throw ConfigException.Syntax(t.At, $"unexpected {Describe(t)} in the value of '{fullKey}'", fullKey);
        }
    }

    private HoconNode ParseSimple(string fullKey)
    {
        var at = Peek().At;
        var parts = new List<HoconToken>();
        while (Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Substitution or HoconTokenKind.Whitespace)
        {
            parts.Add(Advance());
        }
        while (parts[^1].Kind == HoconTokenKind.Whitespace)
        {
            parts.RemoveAt(parts.Count - 1);
        }
        var next = Peek();
        if (next.Kind is HoconTokenKind.LBrace or HoconTokenKind.LBracket)
        {
            throw ConfigException.Syntax(next.At, $"concatenating a value with an object or array is not supported (key '{fullKey}')", fullKey);
        }
        if (parts.Count == 1)
        {
            return ToNode(parts[0]);
        }
        var nodes = new List<HoconNode>(parts.Count);
        foreach (var p in parts)
        {
            nodes.Add(p.Kind == HoconTokenKind.Substitution ? ToNode(p) : new HoconScalar(p.Text, true, p.At));
        }
        return new HoconConcatenation(nodes, at);
    }

    private static HoconNode ToNode(HoconToken t) => t.Kind switch
    {
        HoconTokenKind.Substitution => new HoconSubstitution(t.Path!, t.Optional, t.At),
        HoconTokenKind.Quoted => new HoconScalar(t.Text, true, t.At),
        _ => new HoconScalar(t.Text == "null" ? null : t.Text, false, t.At),
    };

    private HoconArray ParseArray(string fullKey)
    {
        var open = Advance();
        var items = new List<HoconNode>();
        while (true)
        {
            SkipSpaceAndNewlines();
            var t = Peek();
            if (t.Kind == HoconTokenKind.RBracket)
            {
                Advance();
                return new HoconArray(items, open.At);
            }
            if (t.Kind == HoconTokenKind.Eof)
            {
                throw ConfigException.Syntax(t.At, $"expected ']' to close the array '{fullKey}' opened at line {open.At.Line}", fullKey);
            }
            string itemKey = $"{fullKey}[{items.Count}]";
            if (t.Kind == HoconTokenKind.LBrace)
            {
                Advance();
                var obj = new HoconObject(t.At);
                ParseFields(obj, itemKey, braced: true, t.At);
                items.Add(obj);
            }
            else
            {
                items.Add(ParseNonObjectValue(itemKey));
            }
            SkipSpace();
            var after = Peek();
            if (after.Kind == HoconTokenKind.Comma)
            {
                Advance();
            }
            else if (after.Kind is not (HoconTokenKind.Newline or HoconTokenKind.RBracket or HoconTokenKind.Eof))
            {
                string hint = after.Kind is HoconTokenKind.Colon or HoconTokenKind.Equals ? " (quote values that contain ':' or '=')" : "";
                throw ConfigException.Syntax(after.At, $"expected ',' or ']' in the array '{fullKey}', found {Describe(after)}{hint}", fullKey);
            }
        }
    }

    private bool IsInclude()
    {
        var t = Peek();
        if (t.Kind != HoconTokenKind.Unquoted || t.Text != "include" || Peek(1).Kind != HoconTokenKind.Whitespace)
        {
            return false;
        }
        var arg = Peek(2);
        return arg.Kind == HoconTokenKind.Quoted || (arg.Kind == HoconTokenKind.Unquoted && arg.Text.EndsWith('('));
    }

    private void ParseInclude(HoconObject target, string prefix)
    {
        var at = Advance().At;
        SkipSpace();
        var arg = Advance();
        string name;
        if (arg.Kind == HoconTokenKind.Quoted)
        {
            name = arg.Text;
        }
        else
        {
            if (arg.Text is not ("required(" or "file("))
            {
                throw ConfigException.Syntax(arg.At, $"unsupported include form '{arg.Text}' (use include \"file\", required(\"file\") or file(\"file\"))");
            }
            var q = Advance();
            var close = Advance();
            if (q.Kind != HoconTokenKind.Quoted || close.Kind != HoconTokenKind.Unquoted || close.Text != ")")
            {
                throw ConfigException.Syntax(arg.At, $"malformed include, expected {arg.Text}\"file\")");
            }
            name = q.Text;
        }
        string path = Path.IsPathRooted(name) ? name : Path.Combine(_baseDir, name);
        if (!File.Exists(path))
        {
            throw ConfigException.Syntax(at, $"included file \"{name}\" not found (looked for {path})");
        }
        string full = Path.GetFullPath(path);
        if (_includeStack.Contains(full))
        {
            throw ConfigException.Syntax(at, $"include cycle: \"{name}\" is already being included");
        }
        var stack = new List<string>(_includeStack) { full };
        var nested = new HoconTreeBuilder(File.ReadAllText(path), path, Path.GetDirectoryName(full)!, stack);
        nested.ParseInto(target, prefix);
    }
}
