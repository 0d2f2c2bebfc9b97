import Foundation
import IdentityMapping
import ScimCore

/// Builds an identity provider's `UserMapper` from the store: the built-in and custom attributes of its tenant
/// and its rules. An IdP the service has not been told about maps with the Generic defaults.
struct MapperResolver<Store: MappingStore>: Sendable {
    let store: Store

    func mapper(tenantID: String, idpID: String) async throws -> UserMapper {
        let custom = try await store.customAttributes(tenantID: tenantID)
        let mappings = try await store.mappings(tenantID: tenantID, idpID: idpID) ?? BuiltInAttributes.defaultMappings(for: "Generic")
        return UserMapper(attributes: BuiltInAttributes.all + custom, mappings: mappings)
    }
}
