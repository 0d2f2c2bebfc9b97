import Foundation
import Logging

/// The mapping service's storage.
protocol MappingStore: Sendable {
    func isReachable() async -> Bool
    /// The tenant's custom identity attributes (built-ins are not stored).
    func customAttributes(tenantID: String) async throws -> [IdentityAttribute]
    /// Registers an identity provider with its type and seeds its mappings, unless it is already known.
    func registerIdentityProvider(tenantID: String, idpID: String, providerType: String, mappings: [AttributeMapping]) async throws
    /// The IdP's mapping rules; nil when the IdP was never registered.
    func mappings(tenantID: String, idpID: String) async throws -> [AttributeMapping]?
    func deleteIdentityProvider(tenantID: String, idpID: String) async throws
    func deleteTenant(tenantID: String) async throws
}
