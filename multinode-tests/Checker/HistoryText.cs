using System.Globalization;
using System.Text;

namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// The readable text form of a history, one operation per line, e.g.
/// <c>[12.000..13.250] p3 write k1 = 7 -> ok</c> or <c>[14.000..15.000] p1 read k1 -> ok: 7</c>.
/// Times are milliseconds since the history origin. Values are printed bare when they are
/// plain words, JSON-quoted otherwise; <c>nil</c> is a missing value.
/// </summary>
public static class HistoryText
{
    private const int MaxElementsShown = 20;

    public static string Format(History history)
    {
        var sb = new StringBuilder();
        foreach (var op in history.Operations) sb.Append(FormatOperation(op, history)).Append('\n');
        return sb.ToString();
    }

    /// <summary>One line for one operation; <paramref name="history"/> gives the time base (raw ticks when null).</summary>
    public static string FormatOperation(Operation op, History? history)
    {
        var sb = new StringBuilder(64);
        sb.Append('[').Append(Time(op.InvokeTicks, history)).Append("..");
        sb.Append(op.CompleteTicks is long done ? Time(done, history) : "?").Append("] ");
        sb.Append('p').Append(op.Process.ToString(CultureInfo.InvariantCulture)).Append(' ');
        sb.Append(KindName(op.Kind)).Append(' ').Append(Value(op.Key));
        switch (op.Kind)
        {
            case OperationKind.Write:
                sb.Append(op.Value is null ? " = nil (delete)" : " = " + Value(op.Value));
                break;
            case OperationKind.Cas:
                sb.Append(" from ").Append(Value(op.Expected)).Append(" to ").Append(Value(op.Value));
                break;
            case OperationKind.Add:
            case OperationKind.Incr:
                sb.Append(" = ").Append(Value(op.Value));
                break;
        }
        sb.Append(" -> ").Append(OutcomeName(op.Outcome));
        if (op.Outcome == Outcome.Ok) AppendOutput(sb, op);
        if (op.Error is not null) sb.Append(" (").Append(op.Error).Append(')');
        return sb.ToString();
    }

    private static void AppendOutput(StringBuilder sb, Operation op)
    {
        switch (op.Kind)
        {
            case OperationKind.Read:
            case OperationKind.ReadCounter:
                sb.Append(": ").Append(Value(op.Output));
                break;
            case OperationKind.Incr:
                if (op.Output is not null) sb.Append(": ").Append(Value(op.Output));
                break;
            case OperationKind.ReadSet:
                var els = op.Elements ?? Array.Empty<string>();
                sb.Append(": ").Append(els.Count.ToString(CultureInfo.InvariantCulture)).Append(" elements {");
                for (int i = 0; i < els.Count && i < MaxElementsShown; i++)
                {
                    if (i > 0) sb.Append(", ");
                    sb.Append(Value(els[i]));
                }
                if (els.Count > MaxElementsShown) sb.Append(", ... ").Append(els.Count - MaxElementsShown).Append(" more");
                sb.Append('}');
                break;
        }
    }

    internal static string Time(long ticks, History? history) =>
        history is null ? ticks.ToString(CultureInfo.InvariantCulture) : history.FormatTime(ticks);

    /// <summary>A value as shown in text: bare if it is a plain word, JSON-quoted otherwise, nil for null.</summary>
    public static string Value(string? value)
    {
        if (value is null) return "nil";
        if (value.Length == 0 || value == "nil" || value.Length > 64) return Quote(value);
        foreach (char c in value)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '{' or '}' or '/' or '+'))
                return Quote(value);
        return value;
    }

    private static string Quote(string value)
    {
        string s = value.Length > 64 ? value[..61] + "..." : value;
        return System.Text.Json.JsonSerializer.Serialize(s, QuoteOptions);
    }

    private static readonly System.Text.Json.JsonSerializerOptions QuoteOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string KindName(OperationKind kind) => kind switch
    {
        OperationKind.Read => "read",
        OperationKind.Write => "write",
        OperationKind.Cas => "cas",
        OperationKind.Add => "add",
        OperationKind.ReadSet => "read-set",
        OperationKind.Incr => "incr",
        OperationKind.ReadCounter => "read-counter",
        _ => "kind" + ((int)kind).ToString(CultureInfo.InvariantCulture),
    };

    public static string OutcomeName(Outcome outcome) => outcome switch
    {
        Outcome.Ok => "ok",
        Outcome.Fail => "fail",
        Outcome.Unknown => "unknown",
        _ => "outcome" + ((int)outcome).ToString(CultureInfo.InvariantCulture),
    };

    internal static OperationKind ParseKind(string name)
    {
        foreach (OperationKind k in Enum.GetValues<OperationKind>())
            if (KindName(k) == name) return k;
        throw new FormatException($"unknown operation kind '{name}'");
    }

    internal static Outcome ParseOutcome(string name)
    {
        foreach (Outcome o in Enum.GetValues<Outcome>())
            if (OutcomeName(o) == name) return o;
        throw new FormatException($"unknown outcome '{name}'");
    }
}
