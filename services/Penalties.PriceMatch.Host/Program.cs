using Penalties.Grpc;

// penalties-price-match: Dapr app id and service name; port 5102 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties-price-match", PenaltiesServices.PriceMatch, "http://127.0.0.1:5102").RunAsync();
