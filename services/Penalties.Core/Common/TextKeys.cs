using System.Runtime.InteropServices;

namespace Penalties.Core.Common;

/// <summary>Small string helpers for the hot paths.</summary>
internal static class TextKeys
{
    /// <summary>
    /// Same answer as <see cref="string.IsNullOrWhiteSpace"/>, but a string whose first character is not white
    /// space (every real id and code) is decided without scanning it.
    /// </summary>
    public static bool IsBlank(string? s) => s is null || s.Length == 0 || (char.IsWhiteSpace(s[0]) && string.IsNullOrWhiteSpace(s));

    /// <summary>
    /// A fast, non-randomized hash of a string's characters (8 bytes a step). Only for tables that either hold
    /// fixed keys (rule data), or fall back to the runtime's randomized hash when probing gets long, so a
    /// caller cannot make lookups slow by choosing colliding strings.
    /// </summary>
    public static uint Hash(string s)
    {
        var chars = s.AsSpan();
        var words = MemoryMarshal.Cast<char, ulong>(chars);
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)chars.Length;
        for (int i = 0; i < words.Length; i++)
        {
            h = (h ^ words[i]) * 0xBF58476D1CE4E5B9UL;
            h ^= h >> 31;
        }
        for (int i = words.Length * 4; i < chars.Length; i++)
        {
            h = (h ^ chars[i]) * 0x94D049BB133111EBUL;
            h ^= h >> 29;
        }
        h *= 0xBF58476D1CE4E5B9UL;
        return (uint)(h ^ (h >> 32));
    }
}
