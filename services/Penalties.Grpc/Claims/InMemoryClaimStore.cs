using System.Globalization;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>Claims in this process's memory (the embedded default): the outbox event is published after the commit.</summary>
public sealed class InMemoryClaimStore(IEventPublisher publisher) : IClaimStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (StoredClaim Stored, long Version)> _claims = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Merchant, DateOnly Day), List<FiledClaim>> _days = [];
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);
    private long _version;

    public Task<ClaimVersion?> GetAsync(string claimId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_claims.TryGetValue(claimId, out var c)
                ? new ClaimVersion(c.Stored.Clone(), c.Version.ToString(CultureInfo.InvariantCulture))
                : null);
        }
    }

    public Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredClaim> found = [.. claimIds.Where(_claims.ContainsKey).Select(id => _claims[id].Stored.Clone())];
            return Task.FromResult(found);
        }
    }

    public Task<ClaimVersion> CreateAsync(StoredClaim claim, CancellationToken cancellationToken)
    {
        var c = claim.Claim;
        lock (_lock)
        {
            if (!_claims.TryGetValue(c.ClaimId, out var found))
            {
                _claims[c.ClaimId] = found = (claim.Clone(), ++_version);
                var filedAt = c.FiledAt.ToDateTimeOffset();
                var day = (c.MerchantId, ChinaTime.DayOf(filedAt));
                if (!_days.TryGetValue(day, out var filed)) _days[day] = filed = [];
                filed.Add(new FiledClaim(filedAt, c.ClaimId));
                _pending.Add(c.ClaimId);
            }
            return Task.FromResult(new ClaimVersion(found.Stored.Clone(), found.Version.ToString(CultureInfo.InvariantCulture)));
        }
    }

    public async Task<bool> SaveAsync(StoredClaim claim, string expectedETag, PenaltiesEvent? outbox, CancellationToken cancellationToken)
    {
        string id = claim.Claim.ClaimId;
        lock (_lock)
        {
            if (!_claims.TryGetValue(id, out var current) || expectedETag != current.Version.ToString(CultureInfo.InvariantCulture)) return false;
            _claims[id] = (claim.Clone(), ++_version);
            if (claim.Claim.Status != ClaimStatus.Pending) _pending.Remove(id);
        }
        if (outbox is not null) await publisher.PublishAsync(outbox, cancellationToken);
        return true;
    }

    public Task<IReadOnlyList<FiledClaim>> FiledOnAsync(string merchantId, DateOnly day, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<FiledClaim> filed = _days.TryGetValue((merchantId, day), out var list) ? [.. list] : [];
            return Task.FromResult(filed);
        }
    }

    public Task DropPendingAsync(IReadOnlyCollection<string> claimIds, CancellationToken cancellationToken)
    {
        lock (_lock) _pending.ExceptWith(claimIds);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> PendingAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<string> ids = [.. _pending];
            return Task.FromResult(ids);
        }
    }
}
