using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Dapr;

namespace Penalties.Grpc.Claims;

/// <summary>Claims in this process's memory (the embedded default): the outbox event is published after the commit.</summary>
public sealed class InMemoryClaimStore(IEventPublisher publisher) : IClaimStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, StoredClaim> _settled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredClaim> _inProgress = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Merchant, DateOnly Day), List<FiledClaim>> _days = [];
    private readonly HashSet<string> _pending = new(StringComparer.Ordinal);

    public Task<StoredClaim?> GetAsync(string claimId, CancellationToken cancellationToken)
    {
        lock (_lock) return Task.FromResult(Find(claimId)?.Clone());
    }

    public Task<IReadOnlyList<StoredClaim>> GetManyAsync(IReadOnlyList<string> claimIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            IReadOnlyList<StoredClaim> found = [.. claimIds.Select(Find).OfType<StoredClaim>().Select(c => c.Clone())];
            return Task.FromResult(found);
        }
    }

    public Task<StoredClaim> CreateAsync(StoredClaim claim, CancellationToken cancellationToken)
    {
        var c = claim.Claim;
        lock (_lock)
        {
            if (Find(c.ClaimId) is { } found) return Task.FromResult(found.Clone());
            _inProgress[c.ClaimId] = claim.Clone();
            var filedAt = c.FiledAt.ToDateTimeOffset();
            var day = (c.MerchantId, ChinaTime.DayOf(filedAt));
            if (!_days.TryGetValue(day, out var filed)) _days[day] = filed = [];
            filed.Add(new FiledClaim(filedAt, c.ClaimId));
            _pending.Add(c.ClaimId);
            return Task.FromResult(claim.Clone());
        }
    }

    public Task SaveProgressAsync(StoredClaim claim, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // A late progress save of a claim settled meanwhile is not kept: the settled claim is the claim.
            if (!_settled.ContainsKey(claim.Claim.ClaimId)) _inProgress[claim.Claim.ClaimId] = claim.Clone();
        }
        return Task.CompletedTask;
    }

    public async Task<bool> SettleAsync(StoredClaim claim, PenaltiesEvent? outbox, CancellationToken cancellationToken)
    {
        string id = claim.Claim.ClaimId;
        lock (_lock)
        {
            if (!_settled.TryAdd(id, claim.Clone())) return false;
            _inProgress.Remove(id);
            _pending.Remove(id);
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
        lock (_lock)
        {
            foreach (var id in claimIds.Where(_settled.ContainsKey))
            {
                _pending.Remove(id);
                _inProgress.Remove(id);
            }
        }
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

    private StoredClaim? Find(string claimId) =>
        _settled.TryGetValue(claimId, out var settled) ? settled : _inProgress.GetValueOrDefault(claimId);
}
