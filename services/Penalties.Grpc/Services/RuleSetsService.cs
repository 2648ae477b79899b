using Grpc.Core;
using Penalties.Contracts.V1;
using Penalties.Core.Common;
using Penalties.Core.Rules;

namespace Penalties.Grpc.Services;

/// <summary>RuleSets (read side): the versions loaded, one version with its provenance, and resolution at an instant.</summary>
public sealed class RuleSetsService(RuleCatalogSource rules) : RuleSets.RuleSetsBase
{
    public override Task<ListRuleSetsResponse> ListRuleSets(ListRuleSetsRequest request, ServerCallContext context)
    {
        var catalog = rules.Current;
        var response = new ListRuleSetsResponse();
        foreach (var id in catalog.RuleSetIds)
        {
            foreach (var v in catalog.Versions(id)) response.Versions.Add(Summary(v));
        }
        return Task.FromResult(response);
    }

    public override Task<GetRuleSetVersionResponse> GetRuleSetVersion(GetRuleSetVersionRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("ruleSetId", request.RuleSetId);
        if (request.Version < 1) v.Add("version", $"must be at least 1 (got {request.Version})");
        v.ThrowIfAny();
        var version = rules.Current.Pinned(new Penalties.Core.Rules.RulePin(request.RuleSetId, request.Version));
        var response = new GetRuleSetVersionResponse { Summary = Summary(version), ParametersJson = version.ParametersJson };
        foreach (var p in version.Provenance)
        {
            response.Provenance.Add(new Contracts.V1.Provenance
            {
                Fields = { p.Fields },
                Source = p.Source ?? "",
                Clause = p.Clause ?? "",
                Quote = p.Quote ?? "",
                Assumption = p.Assumption,
                Note = p.Note ?? "",
            });
        }
        return Task.FromResult(response);
    }

    public override Task<ResolveRuleSetResponse> ResolveRuleSet(ResolveRuleSetRequest request, ServerCallContext context)
    {
        var v = new ViolationList();
        v.Required("ruleSetId", request.RuleSetId);
        var at = Mapping.Time(request.At, "at", v);
        if (request.At is null) v.Add("at", "is required");
        v.ThrowIfAny();
        return Task.FromResult(new ResolveRuleSetResponse { Summary = Summary(rules.Current.InForceAt(request.RuleSetId, at!.Value)) });
    }

    private static RuleSetVersionSummary Summary(RuleSetVersion v) => new()
    {
        Rule = Mapping.Rule(v.Reference),
        Kind = v.Kind.ToString(),
        Title = v.Title,
        Effective = Mapping.Interval(v.EffectiveFrom, v.EffectiveTo),
    };
}
