using Penalties.Grpc;

// penalties-late-shipment: Dapr app id and service name; port 5101 unless --urls or ASPNETCORE_URLS say otherwise.
await PenaltiesHost.Create(args, "penalties-late-shipment", PenaltiesServices.LateShipment, "http://127.0.0.1:5101").RunAsync();
