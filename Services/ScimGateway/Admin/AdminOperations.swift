import Foundation
import InternalAPI
import Logging
import ServiceClients

/// Admin operations that span several services, shared by the admin API (``AdminController``) and the console, so each
/// rule has one implementation.
extension GatewayPeers {
    /// Deletes the tenant's directory data, then its credentials (tokens, clients, API keys) and mappings.
    func deleteTenant(_ tenantID: String, logger: Logger) async throws {
        try await directory.deleteTenant(tenantID, logger: logger)
        try await tokens.revokeAll(tenantID: tenantID, idpID: nil, logger: logger)
        defer { identityMapper.invalidate(tenantID: tenantID) }
        try await mapping.deleteConfiguration(tenantID: tenantID, idpID: nil, logger: logger)
    }

    /// Deletes the IdP's users and groups, revokes its tokens and forgets its mappings.
    func deleteIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws {
        try await directory.deleteIdentityProvider(tenantID: tenantID, idpID: idpID, logger: logger)
        try await tokens.revokeAll(tenantID: tenantID, idpID: idpID, logger: logger)
        defer { identityMapper.invalidate(tenantID: tenantID) }
        try await mapping.deleteConfiguration(tenantID: tenantID, idpID: idpID, logger: logger)
    }

    /// Creates the IdP in the directory and registers it with the mapping service (which seeds its default mappings).
    func createIdentityProvider(tenantID: String, _ body: IdentityProviderCreateRequest, logger: Logger) async throws -> IdentityProvider {
        let idp = try await directory.createIdentityProvider(tenantID: tenantID, body, logger: logger)
        defer { identityMapper.invalidate(tenantID: idp.tenantID) }  // an IdP of this id may have been mapped before
        try await mapping.registerIdentityProvider(idp, logger: logger)
        return idp
    }

    /// Changes the IdP; a new provider type reaches the mapping service, which re-seeds the defaults unless an admin
    /// customised them.
    func updateIdentityProvider(
        tenantID: String,
        idpID: String,
        _ body: IdentityProviderUpdateRequest,
        logger: Logger
    ) async throws -> IdentityProvider {
        let idp = try await directory.updateIdentityProvider(tenantID: tenantID, idpID: idpID, body, logger: logger)
        if body.providerType != nil {
            defer { identityMapper.invalidate(tenantID: idp.tenantID) }
            try await mapping.registerIdentityProvider(idp, logger: logger)
        }
        return idp
    }

    /// The IdP, registered with the mapping service under its current type (idempotent; heals an IdP whose
    /// registration was missed). Registering may change the rules users are mapped with: a missed registration mapped
    /// with the Generic defaults.
    func registeredIdentityProvider(tenantID: String, idpID: String, logger: Logger) async throws -> IdentityProvider {
        let idp = try await directory.identityProvider(tenantID: tenantID, idpID: idpID, logger: logger)
        defer { identityMapper.invalidate(tenantID: idp.tenantID) }
        try await mapping.registerIdentityProvider(idp, logger: logger)
        return idp
    }
}
