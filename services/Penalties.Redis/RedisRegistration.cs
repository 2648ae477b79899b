using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Penalties.Redis;

/// <summary>The Redis connection of a host, when "Penalties:Redis:Configuration" names one.</summary>
public static class RedisRegistration
{
    /// <summary>The health-check tag of Redis itself (a dependency: not part of the overall status).</summary>
    public const string HealthTag = "redis";

    /// <summary>Binds and validates <see cref="RedisOptions"/>; with a configuration, adds the connection and its health check. Returns whether Redis is used.</summary>
    public static bool AddPenaltiesRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.Section)
            .Validate(o => !o.Enabled || Parses(o.Configuration!), $"{RedisOptions.Section}:Configuration is not a valid StackExchange.Redis configuration string")
            .ValidateOnStart();
        bool enabled = builder.Configuration.GetSection(RedisOptions.Section).Get<RedisOptions>()?.Enabled ?? false;
        if (enabled)
        {
            builder.Services.AddSingleton<RedisConnection>();
            builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["dependency", HealthTag]);
        }
        return enabled;
    }

    private static bool Parses(string configuration)
    {
        try
        {
            _ = ConfigurationOptions.Parse(configuration);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
