using System.CommandLine;
using System.Text.Json;
using Grpc.Core;
using Penalties.Core.Common;
using Penalties.Core.Rules;
using Penalties.Core.Rules.Loading;

namespace Penalties.Cli;

/// <summary>
/// The `penalties` command: System.CommandLine parses, each command group lives in its own file (AssessCommands,
/// StandingCommand, RulesCommands) and registers here with one line. Every user error is one line on stderr and exit 2.
/// </summary>
internal static class CommandLine
{
    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        // A secret on the command line is visible to every user of the machine: refuse it before anything else.
        if (args.Contains("--token"))
        {
            await stderr.WriteLineAsync("--token is not accepted: a command line is visible to other users; set PENALTIES_ADMIN_TOKEN or use --token-file FILE");
            return 2;
        }
        var cli = new Cli(stdin, stdout, stderr);
        var root = new RootCommand("penalties: decide late-shipment compensation, JD price-match payouts, after-sales deadlines and refunds, and merchant penalty points. "
            + "Exit codes: 0 decided, 2 invalid input (one line per problem, naming its file, line and field), 3 no rule version applies, 4 (reconcile) differences or drift found, 1 anything else.");
        root.Options.Add(cli.Rules);
        root.Options.Add(cli.Server);
        root.Subcommands.Add(AssessCommands.Create(cli, CaseKind.LateShipment));
        root.Subcommands.Add(AssessCommands.Create(cli, CaseKind.PriceMatch));
        root.Subcommands.Add(AssessCommands.Create(cli, CaseKind.AfterSales));
        root.Subcommands.Add(StandingCommand.Create(cli));
        root.Subcommands.Add(RulesCommands.Create(cli));
        root.Subcommands.Add(ClaimCommands.Create(cli));
        root.Subcommands.Add(LedgerCommands.Create(cli));
        root.Subcommands.Add(ReconcileCommand.Create(cli));
        root.Subcommands.Add(BacktestCommand.Create(cli));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"{parsed.Errors[0].Message} (see penalties {string.Join(' ', CommandPath(parsed))} --help)".Replace("  ", " ", StringComparison.Ordinal));
            return 2;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    private static List<string> CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var c = parsed.CommandResult; c is not null && c.Command is not RootCommand; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, c.Command.Name);
        return names;
    }

    /// <summary>A user error: printed as "invalid input: MESSAGE", exit 2.</summary>
    internal sealed class InputException(string message) : Exception(message);
}

/// <summary>What every command shares: the standard streams, the root's options, loading rules, and turning errors into exit codes.</summary>
internal sealed class Cli(TextReader stdin, TextWriter stdout, TextWriter stderr)
{
    public TextReader In { get; } = stdin;
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    public Option<string?> Rules { get; } = new("--rules")
    {
        Description = "rule data folder (default: the rules/ shipped beside the program)", HelpName = "DIR", Recursive = true,
    };

    public Option<string?> Server { get; } = new("--server")
    {
        Description = "send the work to a running service (e.g. http://127.0.0.1:5100; host:port means http://) instead of evaluating in-process",
        HelpName = "URL", Recursive = true,
    };

    public string RulesDirectory(ParseResult r) => r.GetValue(Rules) ?? Path.Combine(AppContext.BaseDirectory, "rules");

    /// <summary>The --server address as an absolute http(s) URL, or null in-process.</summary>
    public string? ServerUrl(ParseResult r)
    {
        var text = r.GetValue(Server);
        if (text is null) return null;
        var url = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? url
            : throw new CommandLine.InputException($"--server: '{text}' is not a server address (http://HOST:PORT, https://HOST:PORT or HOST:PORT)");
    }

    /// <summary>The rule catalog of --rules; a folder with problems lists every one and exits 2.</summary>
    public RuleCatalog Catalog(ParseResult r) => Catalog(RulesDirectory(r), "--rules");

    /// <summary>The rule catalog of the folder <paramref name="dir"/> given by <paramref name="option"/>.</summary>
    public static RuleCatalog Catalog(string dir, string option)
    {
        if (!Directory.Exists(dir)) throw new CommandLine.InputException($"{option}: folder '{dir}' does not exist");
        var loaded = RuleSetLoader.LoadDirectory(dir);
        return loaded.Ok ? loaded.ToCatalog() : throw new InvalidRulesException(loaded.Errors.Select(e => e.ToString()).ToList());
    }

    private sealed class InvalidRulesException(IReadOnlyList<string> problems) : Exception("invalid rule data")
    {
        public IReadOnlyList<string> Problems { get; } = problems;
    }

    /// <summary>Runs a command's body, turning the errors a user can cause into one line each and an exit code.</summary>
    public async Task<int> Guard(ParseResult r, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (InvalidCaseException e)
        {
            foreach (var v in e.Violations) await Err.WriteLineAsync($"invalid input: {v.Field}: {v.Description}");
            return 2;
        }
        catch (InvalidRulesException e)
        {
            foreach (var p in e.Problems) await Err.WriteLineAsync(p);
            return 2;
        }
        catch (Penalties.Finance.FinanceInputException e)
        {
            await Err.WriteLineAsync(e.Message);
            return 2;
        }
        catch (CommandLine.InputException e)
        {
            await Err.WriteLineAsync($"invalid input: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Err.WriteLineAsync($"invalid input: {e.Message}");
            return 2;
        }
        catch (RuleResolutionException e)
        {
            await Err.WriteLineAsync($"no rule version applies ({e.Error}): {e.Message}");
            return 3;
        }
        catch (RpcException e)
        {
            await Err.WriteLineAsync($"the server{(r.GetValue(Server) is { } server ? $" at {server}" : "")} answered {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
    }

    /// <summary>Reads one JSON document from FILE, or stdin for '-' or none; a problem names the file, line and field (under <paramref name="root"/>).</summary>
    public async Task<T> ReadJson<T>(string? file, string root)
    {
        string name = file is null or "-" ? "stdin" : file;
        string json;
        if (file is null or "-")
        {
            json = await In.ReadToEndAsync();
        }
        else
        {
            using var reader = new StreamReader(OpenRead(file));
            json = await reader.ReadToEndAsync();
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonSetup.Options) ?? throw new CommandLine.InputException($"{name}: empty input");
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $"line {line + 1}" : "input";
            throw new CommandLine.InputException($"{name}: {where}: {JsonPath(root, e.Path)}: {JsonSetup.Reason(e)}");
        }
    }

    /// <summary>Opens an input file; a file that is not there is a user error naming it.</summary>
    public static FileStream OpenRead(string file)
    {
        try
        {
            return new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CommandLine.InputException($"{file}: no such file");
        }
    }

    /// <summary>The optional FILE argument of a command; a token like an option is an unknown option, not a file name.</summary>
    public static Argument<string?> FileArgument(string description)
    {
        var file = new Argument<string?>("FILE") { Description = description, Arity = ArgumentArity.ZeroOrOne };
        file.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && result.Tokens[0].Value is { Length: > 1 } text && text[0] == '-')
                result.AddError($"unknown option '{text}'");
        });
        return file;
    }

    /// <summary>"$.lines[0].shippedAt" under "request.case" → "request.case.lines[0].shipped_at": the contract's field paths.</summary>
    public static string JsonPath(string root, string? jsonPath) =>
        jsonPath is null or "$" ? root : Penalties.Contracts.CallerErrors.FieldPath(root, jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$'));

    /// <summary>An instant given on the command line: ISO 8601 with 'Z' or an explicit offset, never read in the machine's zone.</summary>
    public static DateTimeOffset Instant(string what, string text) =>
        Instants.TryParse(text, out var at) ? at : throw new CommandLine.InputException($"{what}: {Instants.Refusal(text)}");
}
