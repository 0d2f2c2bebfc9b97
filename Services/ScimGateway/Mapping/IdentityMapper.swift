import IdentityMapping
import Logging
import ScimCore
import ServiceClients
import ServiceKit

/// Maps provisioned users onto their tenant's identity attributes, in this process.
///
/// The mapping service owns the rules; the gateway applies them. Asking the mapping service to map every user would
/// add an internal hop to every user write, so this fetches an IdP's rules (`GET …/mappings`), keeps the mapper built
/// from them in a ``MapperCache``, and maps with the engine the mapping service's re-apply jobs use
/// (`IdentityMapping`). The admin routes ``invalidate(tenantID:)`` a tenant's mappers when a change is made through
/// this replica; changes made through another replica reach this one within the cache's life, which the mapping
/// service's re-apply jobs wait out before they start.
struct IdentityMapper: Sendable {
    let mapping: any MappingClient
    let mappers: MapperCache
    /// `provisio_cache_hits_total{cache="mapping"}` and its misses (a mapper loaded from the mapping service).
    private let metrics = CacheMetrics(cache: "mapping")

    init(mapping: any MappingClient, mappers: MapperCache = MapperCache()) {
        self.mapping = mapping
        self.mappers = mappers
    }

    /// The typed identity attributes of a user resource ("Email", "First Name", ...), keyed by attribute name; 400
    /// `invalidValue` naming each mandatory attribute that is missing or each value of the wrong type.
    func identity(of resource: JSONValue, tenantID: String, idpID: String, logger: Logger) async throws -> [String: JSONValue] {
        var loaded = false
        let mapper = try await mappers.mapper(tenantID: tenantID, idpID: idpID) {
            loaded = true
            return try await mapping.mappingRules(tenantID: tenantID, idpID: idpID, logger: logger).mapper
        }
        if loaded { metrics.miss() } else { metrics.hit() }
        return try mapper.mapProvisioned(resource)
    }

    /// Forgets the tenant's mappers: its identity attributes or one of its IdPs' mappings or provider type changed.
    func invalidate(tenantID: String) {
        mappers.invalidate(tenantID: tenantID)
    }
}
