using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Penalties.Rules;

/// <summary>Where a host's rule versions come from, who may publish them, and the health check that says how fresh they are.</summary>
public static class RulesRegistration
{
    /// <param name="builder">The host.</param>
    /// <param name="redisEnabled">Whether Redis is configured (rules then come from it unless the options say files).</param>
    /// <param name="redisChangeChannel">False when change notices travel another way (a Dapr topic): the Redis channel is then neither published nor listened to.</param>
    public static IHostApplicationBuilder AddPenaltiesRules(this IHostApplicationBuilder builder, bool redisEnabled, bool redisChangeChannel = true)
    {
        builder.Services.AddOptions<RulesOptions>().BindConfiguration(RulesOptions.Section)
            .Validate(o => o.FromRedis(redisEnabled) is not null,
                $"{RulesOptions.Section}:Source must be 'files', or 'redis' with Penalties:Redis:Configuration set")
            .Validate(o => o.RecheckInterval > TimeSpan.Zero, $"{RulesOptions.Section}:RecheckInterval must be positive")
            .ValidateOnStart();
        if (!redisChangeChannel) builder.Services.PostConfigure<RulesOptions>(o => o.RedisChangeChannel = false);
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section)
            .Validate(o => o.Expected() is not { } token || token.Length >= AdminOptions.MinTokenLength,
                $"{AdminOptions.Section}: the admin token must be at least {AdminOptions.MinTokenLength} characters long")
            .Validate(o => string.IsNullOrWhiteSpace(o.TokenFile) || File.Exists(o.TokenFile),
                $"{AdminOptions.Section}:TokenFile names a file that does not exist")
            .ValidateOnStart();
        bool fromRedis = builder.Configuration.GetSection(RulesOptions.Section).Get<RulesOptions>()?.FromRedis(redisEnabled) ?? redisEnabled;
        builder.Services.AddSingleton(sp => new RuleCatalogSource(sp.GetRequiredService<ILogger<RuleCatalogSource>>(),
            sp.GetRequiredService<IOptions<RulesOptions>>().Value, fromRedis));
        builder.Services.AddSingleton<AdminCredential>();
        if (fromRedis)
        {
            builder.Services.AddSingleton<RedisRuleStore>();
            builder.Services.AddSingleton<RedisRuleSync>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisRuleSync>());
        }
        builder.Services.AddSingleton(sp => new RuleSetPublisher(sp.GetService<RedisRuleStore>(), sp.GetService<RedisRuleSync>(), sp.GetService<TimeProvider>(),
            sp.GetRequiredService<IOptions<RulesOptions>>().Value.RedisChangeChannel));
        // Part of the overall status (""): NOT_SERVING only while there is no snapshot to compute with;
        // a stale snapshot (source unreachable) is Degraded, which still serves.
        builder.Services.AddHealthChecks().AddCheck<RulesHealthCheck>("rules", tags: ["ready"]);
        return builder;
    }
}
