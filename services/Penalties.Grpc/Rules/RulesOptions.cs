using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Penalties.Grpc.Redis;

namespace Penalties.Grpc.Rules;

/// <summary>
/// Where the rule versions come from; bound from "Penalties:Rules". With Redis configured the default
/// source is Redis (published versions); without it, the rules folder.
/// </summary>
public sealed class RulesOptions
{
    /// <summary>"redis" or "files"; empty: redis when "Penalties:Redis:Configuration" is set, files otherwise.</summary>
    public string? Source { get; set; }

    /// <summary>With Redis as the source: if Redis cannot be reached at start-up, compute with the rules folder until it can.</summary>
    public bool FallbackToFiles { get; set; }

    /// <summary>How often the snapshot is re-checked against Redis even without a change notice (a notice can be missed while disconnected).</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>True when the snapshot comes from Redis.</summary>
    public bool FromRedis { get; private set; }

    public static RulesOptions From(IConfiguration configuration, RedisOptions redis)
    {
        var options = configuration.GetSection("Penalties:Rules").Get<RulesOptions>() ?? new RulesOptions();
        var source = options.Source?.Trim().ToLowerInvariant();
        options.FromRedis = source switch
        {
            null or "" => redis.Enabled,
            "redis" => redis.Enabled ? true : throw new InvalidOperationException("Penalties:Rules:Source is 'redis' but Penalties:Redis:Configuration is not set"),
            "files" => false,
            _ => throw new InvalidOperationException($"Penalties:Rules:Source must be 'redis' or 'files' (got '{options.Source}')"),
        };
        if (options.RecheckInterval <= TimeSpan.Zero)
            throw new InvalidOperationException($"Penalties:Rules:RecheckInterval must be positive (got {options.RecheckInterval})");
        return options;
    }
}

/// <summary>
/// The admin credential that publishing needs: a bearer token from "Penalties:Admin:Token" or from the file
/// named by "Penalties:Admin:TokenFile" (a mounted secret, read at each check so a rotated secret applies).
/// Without either, publishing is refused: there is no default token.
/// </summary>
public sealed class AdminCredential(IConfiguration configuration)
{
    /// <summary>Throws UNAUTHENTICATED unless <paramref name="authorization"/> is "Bearer &lt;the token&gt;".</summary>
    public void Demand(string? authorization)
    {
        var expected = Expected() ?? throw new PreconditionException(
            "publishing is disabled: no admin token is configured (Penalties:Admin:Token or Penalties:Admin:TokenFile)");
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            throw new UnauthenticatedException("publishing needs the admin credential: send the metadata 'authorization: Bearer <token>'");
        var given = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            throw new UnauthenticatedException("the admin credential is not valid");
    }

    private string? Expected()
    {
        var token = configuration["Penalties:Admin:Token"];
        if (!string.IsNullOrWhiteSpace(token)) return token.Trim();
        var file = configuration["Penalties:Admin:TokenFile"];
        if (string.IsNullOrWhiteSpace(file) || !File.Exists(file)) return null;
        var fromFile = File.ReadAllText(file).Trim();
        return fromFile.Length == 0 ? null : fromFile;
    }
}
