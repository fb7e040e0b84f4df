using System.Text;

namespace QuorumCache.Node.Config;

/// <summary>
/// Replaces substitutions with their values, in place, after a whole document is parsed:
/// a key of the document first, then an environment variable of the same name. A field that
/// refers to itself sees its earlier assignment; <c>${?X}</c> that is undefined leaves the
/// earlier assignment (or removes the field); cycles are errors.
/// </summary>
internal sealed class HoconResolver
{
    private readonly HoconObject _root;
    private readonly Func<string, string?> _env;
    private readonly List<(HoconField Field, HoconAssignment Assignment)> _stack = new();

    // An unset ${?X} assignment -> the earlier assignment whose value it kept (so locations cite that one).
    private readonly Dictionary<HoconAssignment, HoconAssignment> _fellBackTo = new(ReferenceEqualityComparer.Instance);

    private HoconResolver(HoconObject root, Func<string, string?> env)
    {
        _root = root;
        _env = env;
    }

    public static void Resolve(HoconObject root, Func<string, string?> env) => new HoconResolver(root, env).ResolveObject(root);

    /// <summary>Resolves every field of <paramref name="obj"/> (deeply); undefined fields are removed.</summary>
    private void ResolveObject(HoconObject obj)
    {
        var fields = obj.Fields.ToArray();
        foreach (var field in fields)
        {
            var value = ResolveField(field);
            if (value is null)
            {
                obj.Remove(field);
            }
            else if (value is HoconObject child)
            {
                ResolveObject(child);
            }
        }
    }

    private HoconNode? ResolveField(HoconField field)
    {
        if (field.State == HoconField.ResolveState.Resolved)
        {
            return field.Current?.Value;
        }
        var a = field.Current!;
        if (field.State == HoconField.ResolveState.Resolving)
        {
            throw ConfigException.Syntax(a.KeyLocation, $"substitution cycle involving '{a.Key}'", a.Key);
        }
        if (a.Value is HoconObject plain && (a.Previous is null || !IsUnresolved(a.Previous.Value)))
        {
            // A plain object: its fields resolve one by one, so a field may refer to a sibling.
            a.Previous = null;
            field.State = HoconField.ResolveState.Resolved;
            return plain;
        }
        field.State = HoconField.ResolveState.Resolving;
        _stack.Add((field, a));
        HoconNode? result;
        try
        {
            result = ResolveAssignment(a);
        }
        finally
        {
            _stack.RemoveAt(_stack.Count - 1);
        }
        field.State = HoconField.ResolveState.Resolved;
        if (result is null)
        {
            field.Current = null;
            return null;
        }
        while (_fellBackTo.TryGetValue(a, out var earlier))
        {
            a = earlier;
        }
        a.Value = result;
        a.Previous = null;
        field.Current = a;
        return result;
    }

    private static bool IsUnresolved(HoconNode node) => node is HoconSubstitution or HoconConcatenation;

    private HoconNode? ResolveAssignment(HoconAssignment a)
    {
        switch (a.Value)
        {
            case HoconScalar s:
                return s;
            case HoconArray arr:
                return ResolveArray(arr, a.Key);
            case HoconObject obj:
                ResolveObject(obj);
                if (a.Previous is not null && ResolvePrevious(a.Previous) is HoconObject under)
                {
                    return Merge(obj, under);
                }
                return obj;
            case HoconSubstitution sub:
                var found = Lookup(sub);
                if (found is not null)
                {
                    // As in HOCON, an object from a substitution merges over an earlier object value.
                    if (found is HoconObject fo && a.Previous is not null && ResolvePrevious(a.Previous) is HoconObject earlierObject)
                    {
                        return Merge(fo, earlierObject);
                    }
                    return found;
                }
                if (!sub.Optional)
                {
                    throw Unset(sub, a.Key);
                }
                if (a.Previous is null)
                {
                    return null;
                }
                _fellBackTo[a] = a.Previous;
                return ResolvePrevious(a.Previous);
            case HoconConcatenation c:
                return Concatenate(c, a.Key);
            default:
                throw new InvalidOperationException($"unexpected node {a.Value.GetType().Name}");
        }
    }

    /// <summary>Resolves an earlier assignment of the field being resolved (self-reference or fallback).</summary>
    private HoconNode? ResolvePrevious(HoconAssignment previous)
    {
        var top = _stack[^1];
        _stack[^1] = (top.Field, previous);
        try
        {
            return ResolveAssignment(previous);
        }
        finally
        {
            _stack[^1] = top;
        }
    }

    private HoconNode? Lookup(HoconSubstitution sub)
    {
        HoconObject obj = _root;
        for (int i = 0; i < sub.Path.Length; i++)
        {
            var field = obj.Find(sub.Path[i]);
            if (field is null || (field.State == HoconField.ResolveState.Resolved && field.Current is null))
            {
                return FromEnvironment(sub);
            }
            bool last = i == sub.Path.Length - 1;
            if (last && _stack.Count > 0 && ReferenceEquals(_stack[^1].Field, field))
            {
                var previous = _stack[^1].Assignment.Previous;
                return previous is null ? FromEnvironment(sub) : ResolvePrevious(previous);
            }
            if (!last && field.State == HoconField.ResolveState.Resolving && field.Current!.Value is HoconObject partial)
            {
                // An object being merged over an earlier substitution: look inside what is written here.
                obj = partial;
                continue;
            }
            if (field.State == HoconField.ResolveState.Resolving)
            {
                throw ConfigException.Syntax(sub.Location, $"substitution cycle: {sub} refers back to '{field.Current!.Key}'", sub.PathText);
            }
            var value = ResolveField(field);
            if (value is null)
            {
                return FromEnvironment(sub);
            }
            if (last)
            {
                if (value is HoconObject whole)
                {
                    ResolveObject(whole);
                }
                return value;
            }
            if (value is not HoconObject next)
            {
                return FromEnvironment(sub);
            }
            obj = next;
        }
        return FromEnvironment(sub);
    }

    private HoconScalar? FromEnvironment(HoconSubstitution sub)
    {
        string? v = _env(sub.PathText);
        return v is null ? null : new HoconScalar(v, true, sub.Location);
    }

    private static ConfigException Unset(HoconSubstitution sub, string key) =>
        ConfigException.Syntax(sub.Location,
            $"required substitution {sub} for '{key}' is not set (no such key in the config and no environment variable {sub.PathText})", key);

    private HoconScalar Concatenate(HoconConcatenation c, string key)
    {
        var sb = new StringBuilder();
        foreach (var part in c.Parts)
        {
            if (part is HoconScalar s)
            {
                sb.Append(s.Text ?? "null");
                continue;
            }
            var sub = (HoconSubstitution)part;
            var found = Lookup(sub);
            if (found is null)
            {
                if (!sub.Optional)
                {
                    throw Unset(sub, key);
                }
                continue;
            }
            if (found is not HoconScalar fs)
            {
                throw ConfigException.Syntax(sub.Location, $"{sub} is an object or array and cannot be joined into the string value of '{key}'", key);
            }
            sb.Append(fs.Text ?? "null");
        }
        return new HoconScalar(sb.ToString(), true, c.Location);
    }

    private HoconArray ResolveArray(HoconArray arr, string key)
    {
        var items = new List<HoconNode>(arr.Items.Count);
        foreach (var item in arr.Items)
        {
            switch (item)
            {
                case HoconScalar:
                    items.Add(item);
                    break;
                case HoconObject o:
                    ResolveObject(o);
                    items.Add(o);
                    break;
                case HoconArray inner:
                    items.Add(ResolveArray(inner, key));
                    break;
                case HoconConcatenation c:
                    items.Add(Concatenate(c, key));
                    break;
                case HoconSubstitution sub:
                    var found = Lookup(sub);
                    if (found is not null)
                    {
                        items.Add(found);
                    }
                    else if (!sub.Optional)
                    {
                        throw Unset(sub, key);
                    }
                    break;
            }
        }
        return new HoconArray(items, arr.Location);
    }

    /// <summary>A new resolved object: the fields of <paramref name="under"/> overlaid by those of <paramref name="over"/>.</summary>
    private static HoconObject Merge(HoconObject over, HoconObject under)
    {
        var result = new HoconObject(over.Location);
        foreach (var f in under.Fields)
        {
            Put(result, f.Name, f.Current!);
        }
        foreach (var f in over.Fields)
        {
            var existing = result.Find(f.Name);
            if (existing?.Current?.Value is HoconObject eo && f.Current!.Value is HoconObject fo)
            {
                Put(result, f.Name, new HoconAssignment(Merge(fo, eo), f.Current.Key, f.Current.KeyLocation, null));
            }
            else
            {
                Put(result, f.Name, f.Current!);
            }
        }
        return result;
    }

    private static void Put(HoconObject obj, string name, HoconAssignment a)
    {
        var field = obj.GetOrAdd(name);
        field.Current = a;
        field.State = HoconField.ResolveState.Resolved;
    }
}
