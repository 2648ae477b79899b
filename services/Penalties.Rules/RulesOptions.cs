using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Core.Common;

namespace Penalties.Rules;

/// <summary>
/// Where the rule versions come from; bound from <see cref="Section"/>. With Redis configured the default
/// source is Redis (published versions); without it, the rules folder.
/// </summary>
public sealed class RulesOptions
{
    public const string Section = "Penalties:Rules";

    /// <summary>"redis" or "files"; empty: redis when "Penalties:Redis:Configuration" is set, files otherwise.</summary>
    public string? Source { get; set; }

    /// <summary>With Redis as the source: if Redis cannot be reached at start-up, compute with the rules folder until it can.</summary>
    public bool FallbackToFiles { get; set; }

    /// <summary>How often the snapshot is re-checked against Redis even without a change notice (a notice can be missed while disconnected).</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Whether the snapshot comes from Redis, given whether Redis is configured; null for a <see cref="Source"/> that cannot be.</summary>
    public bool? FromRedis(bool redisEnabled) => Source?.Trim().ToLowerInvariant() switch
    {
        null or "" => redisEnabled,
        "redis" => redisEnabled ? true : null,
        "files" => false,
        _ => null,
    };
}

/// <summary>
/// The admin credential that publishing needs, bound from <see cref="Section"/>: a bearer token ("Token") or the file
/// holding it ("TokenFile", a mounted secret, read at each check so a rotated secret applies). Without either,
/// publishing is refused: there is no default token.
/// </summary>
public sealed class AdminOptions
{
    public const string Section = "Penalties:Admin";

    /// <summary>A shorter token can be guessed: a host configured with one does not start.</summary>
    public const int MinTokenLength = 32;

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    /// <summary>The configured token (trimmed), or null when there is none.</summary>
    public string? Expected()
    {
        if (!string.IsNullOrWhiteSpace(Token)) return Token.Trim();
        if (string.IsNullOrWhiteSpace(TokenFile) || !File.Exists(TokenFile)) return null;
        var fromFile = File.ReadAllText(TokenFile).Trim();
        return fromFile.Length == 0 ? null : fromFile;
    }
}

/// <summary>Checks the admin credential of a publish against <see cref="AdminOptions"/>; every refusal is logged, never the token.</summary>
public sealed partial class AdminCredential(IOptions<AdminOptions> options, ILogger<AdminCredential> logger)
{
    /// <summary>Throws UNAUTHENTICATED unless <paramref name="authorization"/> is "Bearer &lt;the token&gt;"; <paramref name="caller"/> names who asked, for the log.</summary>
    public void Demand(string? authorization, string caller)
    {
        var expected = options.Value.Expected() ?? throw Refused(new PreconditionException(
            "publishing is disabled: no admin token is configured (Penalties:Admin:Token or Penalties:Admin:TokenFile)"), caller);
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            throw Refused(new UnauthenticatedException("publishing needs the admin credential: send the metadata 'authorization: Bearer <token>'"), caller);
        var given = Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim());
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
            throw Refused(new UnauthenticatedException("the admin credential is not valid"), caller);
    }

    private Exception Refused(Exception e, string caller)
    {
        LogRefused(logger, caller, e.Message);
        return e;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publish attempt from {Caller} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string caller, string reason);
}
