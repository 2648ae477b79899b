namespace Penalties.Rules;

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
