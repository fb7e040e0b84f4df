using System.Text;
using System.Text.Json;

namespace QuorumCache.MultiNode.Checker;

/// <summary>
/// JSON lines form of a history, for test artifacts and replaying a failed run through the
/// checkers. First line: <c>{"type":"history","ticksPerSecond":..,"originTicks":..}</c>; then one
/// object per operation with fields id, process, key, kind, value, expected, output, elements,
/// invoke, complete, outcome, error (null fields are omitted). Kinds and outcomes are written by
/// name (see <see cref="HistoryText.KindName"/>).
/// </summary>
public static class HistoryJson
{
    // Artifacts are read by people: keep non-ASCII text and quotes readable (never embedded in HTML).
    private static readonly JsonWriterOptions WriterOptions =
        new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(History history, TextWriter writer)
    {
        writer.Write(Header(history));
        writer.Write('\n');
        foreach (var op in history.Operations)
        {
            writer.Write(Line(op));
            writer.Write('\n');
        }
    }

    public static string ToJsonLines(History history)
    {
        var sw = new StringWriter();
        Write(history, sw);
        return sw.ToString();
    }

    private static string Header(History history)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", "history");
            w.WriteNumber("ticksPerSecond", history.TicksPerSecond);
            w.WriteNumber("originTicks", history.OriginTicks);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>One operation as a single-line JSON object.</summary>
    public static string Line(Operation op)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("id", op.Id);
            w.WriteNumber("process", op.Process);
            w.WriteString("key", op.Key);
            w.WriteString("kind", HistoryText.KindName(op.Kind));
            if (op.Value is not null) w.WriteString("value", op.Value);
            if (op.Expected is not null) w.WriteString("expected", op.Expected);
            if (op.Output is not null) w.WriteString("output", op.Output);
            if (op.Elements is not null)
            {
                w.WriteStartArray("elements");
                foreach (var e in op.Elements) w.WriteStringValue(e);
                w.WriteEndArray();
            }
            w.WriteNumber("invoke", op.InvokeTicks);
            if (op.CompleteTicks is long done) w.WriteNumber("complete", done);
            w.WriteString("outcome", HistoryText.OutcomeName(op.Outcome));
            if (op.Error is not null) w.WriteString("error", op.Error);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Reads the JSON lines form back. A missing header means ticks are milliseconds.</summary>
    public static History Read(TextReader reader)
    {
        long tps = 1000, origin = 0;
        var ops = new List<Operation>();
        string? line;
        int lineNo = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            using var doc = JsonDocument.Parse(line);
            var o = doc.RootElement;
            if (o.TryGetProperty("type", out var type) && type.GetString() == "history")
            {
                tps = o.GetProperty("ticksPerSecond").GetInt64();
                origin = o.TryGetProperty("originTicks", out var og) ? og.GetInt64() : 0;
                continue;
            }
            try
            {
                ops.Add(ParseOperation(o, ops.Count));
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new FormatException($"history line {lineNo}: {e.Message}", e);
            }
        }
        return new History(ops, tps, origin);
    }

    public static History Parse(string jsonLines) => Read(new StringReader(jsonLines));

    private static Operation ParseOperation(JsonElement o, int index)
    {
        List<string>? elements = null;
        if (o.TryGetProperty("elements", out var els) && els.ValueKind == JsonValueKind.Array)
        {
            elements = new List<string>();
            foreach (var e in els.EnumerateArray()) elements.Add(e.GetString() ?? "");
        }
        return new Operation
        {
            Id = o.TryGetProperty("id", out var id) ? id.GetInt32() : index,
            Process = o.GetProperty("process").GetInt32(),
            Key = o.GetProperty("key").GetString() ?? "",
            Kind = HistoryText.ParseKind(o.GetProperty("kind").GetString() ?? ""),
            Value = OptString(o, "value"),
            Expected = OptString(o, "expected"),
            Output = OptString(o, "output"),
            Elements = elements,
            InvokeTicks = o.GetProperty("invoke").GetInt64(),
            CompleteTicks = o.TryGetProperty("complete", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt64() : null,
            Outcome = HistoryText.ParseOutcome(o.GetProperty("outcome").GetString() ?? ""),
            Error = OptString(o, "error"),
        };
    }

    private static string? OptString(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
