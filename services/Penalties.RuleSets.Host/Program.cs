using Penalties.Grpc;

// penalties-rule-sets: Dapr app id and service name; port 5104 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties-rule-sets", PenaltiesServices.RuleSets, "http://127.0.0.1:5104").RunAsync();
