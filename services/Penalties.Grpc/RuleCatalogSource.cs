using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Grpc;

/// <summary>
/// The rule versions a service computes with: an immutable catalog snapshot, swapped whole.
/// The embedded default loads the bundled rules/ folder ("Penalties:RulesDirectory" overrides it);
/// an invalid folder stops the host at start-up with every problem logged.
/// </summary>
public sealed partial class RuleCatalogSource
{
    private volatile RuleCatalog _current;

    public RuleCatalogSource(IConfiguration configuration, ILogger<RuleCatalogSource> logger)
    {
        var directory = configuration["Penalties:RulesDirectory"];
        if (string.IsNullOrWhiteSpace(directory)) directory = Path.Combine(AppContext.BaseDirectory, "rules");
        var result = RuleSetLoader.LoadDirectory(directory);
        if (!result.Ok)
        {
            foreach (var e in result.Errors) LogRuleError(logger, e.File, e.Path, e.Reason);
            throw new RuleLoadException(result.Errors);
        }
        _current = result.ToCatalog();
        Source = $"files:{Path.GetFullPath(directory)}";
        LogLoaded(logger, result.Versions.Count, Source);
    }

    /// <summary>Where the current snapshot came from, e.g. "files:/app/rules".</summary>
    public string Source { get; }

    public RuleCatalog Current => _current;

    [LoggerMessage(Level = LogLevel.Error, Message = "Rule data problem: {File}: {Path}: {Reason}")]
    private static partial void LogRuleError(ILogger logger, string file, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} rule-set versions from {Source}")]
    private static partial void LogLoaded(ILogger logger, int count, string source);
}
