using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Penalties.Core.Common;

namespace Penalties.Rules;

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
