namespace QuorumCache.Cluster.Membership;

/// <summary>A fixed-size sliding window of heartbeat inter-arrival intervals with running sums for mean and variance.</summary>
internal sealed class HeartbeatHistory
{
    private readonly double[] _ring;
    private int _start;
    private int _count;
    private double _sum;
    private double _squaredSum;

    public HeartbeatHistory(int maxSampleSize) => _ring = new double[maxSampleSize];

    public int Count => _count;

    public double Mean => _count == 0 ? 0 : _sum / _count;

    public double Variance
    {
        get
        {
            if (_count == 0)
                return 0;
            var mean = Mean;
            var v = _squaredSum / _count - mean * mean;
            return v < 0 ? 0 : v; // rounding can make it slightly negative
        }
    }

    public double StdDeviation => Math.Sqrt(Variance);

    public void Add(double interval)
    {
        if (_count == _ring.Length)
        {
            var oldest = _ring[_start];
            _sum -= oldest;
            _squaredSum -= oldest * oldest;
            _ring[_start] = interval;
            _start = (_start + 1) % _ring.Length;
        }
        else
        {
            _ring[(_start + _count) % _ring.Length] = interval;
            _count++;
        }
        _sum += interval;
        _squaredSum += interval * interval;
    }
}
