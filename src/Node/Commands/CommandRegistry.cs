namespace QuorumCache.Node.Commands;

/// <summary>Builds the command table from every command family.</summary>
public static class CommandRegistry
{
    public static CommandTable Build()
    {
        var t = new CommandTable();
        ConnectionCommands.Register(t);
        ServerCommands.Register(t);
        StringCommands.Register(t);
        KeyCommands.Register(t);
        TransactionCommands.Register(t);
        Clustering.ClusterCommands.Register(t);
        Messaging.PubSubCommands.Register(t);
        SortedSets.SortedSetCommands.Register(t);
        Hashes.HashCommands.Register(t);
        Sets.SetCommands.Register(t);
        Lists.ListCommands.Register(t);
        Bitmaps.BitmapCommands.Register(t);
        HyperLogLog.HllCommands.Register(t);
        Geo.GeoCommands.Register(t);
        Sorting.SortCommands.Register(t);
        return t;
    }
}
