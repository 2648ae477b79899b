using Grpc.Core;
using Penalties.Contracts.V1;

namespace Penalties.Grpc.Claims;

/// <summary>Claims: the contract's adapter to <see cref="ClaimCoordinator"/>; the caller's deadline goes on to every call it makes.</summary>
public sealed class ClaimsService(ClaimCoordinator coordinator) : Contracts.V1.Claims.ClaimsBase
{
    public override Task<Claim> File(FileClaimRequest request, ServerCallContext context) =>
        coordinator.FileAsync(request, context.Deadline == DateTime.MaxValue ? null : context.Deadline, context.CancellationToken);

    public override Task<Claim> Get(GetClaimRequest request, ServerCallContext context) =>
        coordinator.GetAsync(request.ClaimId, context.CancellationToken);

    public override Task<ListClaimsResponse> List(ListClaimsRequest request, ServerCallContext context) =>
        coordinator.ListAsync(request, context.CancellationToken);
}
