namespace Penalties.Core.Tests; public class Smoke { [Fact] public void Catalog_loads_every_shipped_version() => Assert.Equal(7, Rules.Catalog.All.Count()); }
