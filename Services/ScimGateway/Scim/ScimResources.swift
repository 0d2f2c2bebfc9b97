import Foundation
import InternalAPI
import Logging
import ScimCore
import ScimPatch
import ServiceClients
import ServiceKit

/// What the gateway does for each SCIM operation, whichever way it arrived (its own route or a `/Bulk`
/// operation): every write is type-checked against the identity provider's schemas, and a user's identity
/// attributes are mapped in this process (``IdentityMapper``), before the directory stores it; user PATCH is a read-modify-write guarded by the
/// version; group PATCH runs inside the directory as row changes. The directory answers each operation rendered
/// for the client (`rendering`), and the gateway relays that answer.
struct ScimResources: Sendable {
    let peers: GatewayPeers
    /// The identity provider's schemas (its custom extensions included), against which every write is type-checked.
    let schemas: TenantSchemas
    let capabilities: ServiceProviderCapabilities
    /// How often a user PATCH is re-applied when another writer changed the user in between (no client `If-Match`);
    /// between attempts it waits a few random milliseconds so that racing writers spread out.
    var patchAttempts = 8

    func create(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        resource: JSONValue,
        _ rendering: ScimRendering,
        logger: Logger
    )
        async throws -> RenderedScim
    {
        ProvisioningRecord.note { $0.resourceType = kind.name }
        let created = try await createdResource(kind, principal, resource: resource, rendering, logger: logger)
        ProvisioningRecord.note { notes in
            notes.resourceID = created.createdID
            notes.changedAttributes = created.changedAttributes
        }
        return created
    }

    private func createdResource(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        resource: JSONValue,
        _ rendering: ScimRendering,
        logger: Logger
    )
        async throws -> RenderedScim
    {
        try await validate(resource, kind, principal, logger: logger)
        switch kind {
        case .user:
            let identity = try await peers.identityMapper.identity(of: resource, tenantID: principal.tenantID, idpID: principal.idpID, logger: logger)
            return try await peers.directory.createUser(
                tenantID: principal.tenantID,
                idpID: principal.idpID,
                UserWriteRequest(resource: resource, identity: identity),
                rendering,
                logger: logger
            )
        case .group:
            return try await peers.directory.createGroup(
                tenantID: principal.tenantID,
                idpID: principal.idpID,
                GroupWriteRequest(resource: resource),
                rendering,
                logger: logger
            )
        }
    }

    /// A read as the client sees it, rendered by the directory.
    func renderedGet(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        id: String,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws
        -> RenderedScim
    {
        ProvisioningRecord.note(resource: kind, id: id)
        return switch kind {
        case .user: try await peers.directory.renderedUser(tenantID: principal.tenantID, idpID: principal.idpID, id: id, rendering, logger: logger)
        case .group: try await peers.directory.renderedGroup(tenantID: principal.tenantID, idpID: principal.idpID, id: id, rendering, logger: logger)
        }
    }

    func replace(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        id: String,
        resource: JSONValue,
        ifMatch: Int?,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        ProvisioningRecord.note(resource: kind, id: id)
        let replaced = try await replacedResource(kind, principal, id: id, resource: resource, ifMatch: ifMatch, rendering, logger: logger)
        ProvisioningRecord.note { $0.changedAttributes = replaced.changedAttributes }
        return replaced
    }

    private func replacedResource(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        id: String,
        resource: JSONValue,
        ifMatch: Int?,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        try await validate(resource, kind, principal, logger: logger)
        switch kind {
        case .user:
            let identity = try await peers.identityMapper.identity(of: resource, tenantID: principal.tenantID, idpID: principal.idpID, logger: logger)
            return try await peers.directory.replaceUser(
                tenantID: principal.tenantID,
                idpID: principal.idpID,
                id: id,
                UserReplaceRequest(resource: resource, identity: identity, ifMatch: ifMatch),
                rendering,
                logger: logger
            )
        case .group:
            return try await peers.directory.replaceGroup(
                tenantID: principal.tenantID,
                idpID: principal.idpID,
                id: id,
                GroupWriteRequest(resource: resource, ifMatch: ifMatch),
                rendering,
                logger: logger
            )
        }
    }

    /// A user PATCH that changes nothing writes nothing; its answer is the user as it is (and it changed nothing).
    func patch(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        id: String,
        patch: JSONValue,
        ifMatch: Int?,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        ProvisioningRecord.note(resource: kind, id: id)
        let patched = try await patchedResource(kind, principal, id: id, patch: patch, ifMatch: ifMatch, rendering, logger: logger)
        ProvisioningRecord.note { $0.changedAttributes = patched.changedAttributes }
        return patched
    }

    private func patchedResource(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        id: String,
        patch: JSONValue,
        ifMatch: Int?,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws -> RenderedScim {
        let request = try PatchRequest(json: patch)
        switch kind {
        case .group:
            return try await peers.directory.patchGroup(
                tenantID: principal.tenantID,
                idpID: principal.idpID,
                id: id,
                GroupPatchRequest(patch: patch, ifMatch: ifMatch),
                rendering,
                logger: logger
            )
        case .user:
            let engine = PatchEngine(registry: .standard, resourceType: .user)
            var attempt = 1
            while true {
                let current = try await peers.directory.user(tenantID: principal.tenantID, idpID: principal.idpID, id: id, logger: logger)
                if let ifMatch, ifMatch != current.version {
                    throw ScimError.invalidVersion("User '\(id)' is at version \(current.version), not \(ifMatch); read it again and retry.")
                }
                let result = try engine.apply(request, to: Self.document(of: current.resource))
                guard result.changed else {
                    var unchanged = try await renderedGet(.user, principal, id: id, rendering, logger: logger)
                    unchanged.changedAttributes = []
                    return unchanged
                }
                try await validate(result.resource, kind, principal, logger: logger)
                let identity = try await peers.identityMapper.identity(
                    of: result.resource,
                    tenantID: principal.tenantID,
                    idpID: principal.idpID,
                    logger: logger
                )
                do {
                    return try await peers.directory.replaceUser(
                        tenantID: principal.tenantID,
                        idpID: principal.idpID,
                        id: id,
                        UserReplaceRequest(resource: result.resource, identity: identity, ifMatch: current.version),
                        rendering,
                        logger: logger
                    )
                } catch let error as ScimError where error.scimType == .invalidVers && ifMatch == nil && attempt < patchAttempts {
                    logger.debug("User changed during PATCH; applying again", metadata: ["user.id": "\(id)", "attempt": "\(attempt)"])
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 * attempt))))
                }
            }
        }
    }

    func delete(_ kind: ScimResourceType, _ principal: ScimPrincipal, id: String, ifMatch: Int?, logger: Logger) async throws {
        ProvisioningRecord.note(resource: kind, id: id)
        let changed =
            switch kind {
            case .user:
                try await peers.directory.deleteUser(tenantID: principal.tenantID, idpID: principal.idpID, id: id, ifMatch: ifMatch, logger: logger)
            case .group:
                try await peers.directory.deleteGroup(tenantID: principal.tenantID, idpID: principal.idpID, id: id, ifMatch: ifMatch, logger: logger)
            }
        ProvisioningRecord.note { $0.changedAttributes = changed }
    }

    /// A list page as the client sees it (a SCIM `ListResponse`), rendered by the directory.
    func renderedSearch(
        _ kind: ScimResourceType,
        _ principal: ScimPrincipal,
        _ rendering: ScimRendering,
        logger: Logger
    ) async throws
        -> RenderedScim
    {
        ProvisioningRecord.note { $0.resourceType = kind.name }
        return switch kind {
        case .user: try await peers.directory.renderedUserSearch(tenantID: principal.tenantID, idpID: principal.idpID, rendering, logger: logger)
        case .group: try await peers.directory.renderedGroupSearch(tenantID: principal.tenantID, idpID: principal.idpID, rendering, logger: logger)
        }
    }

    /// The client's list request with its page size defaulted and held to the advertised maximum.
    func page(_ request: SearchRequest) -> SearchRequest {
        let pagination = capabilities.pagination
        var page = request
        page.count = min(max(request.count ?? pagination.defaultPageSize, 0), min(pagination.maxPageSize, capabilities.filter.maxResults))
        return page
    }

    /// The stored representation as the PATCH engine's input: everything but `meta`.
    static func document(of resource: JSONValue) -> JSONValue {
        guard case .object(var members) = resource else { return resource }
        members.removeValue(forKey: "meta")
        return .object(members)
    }

    /// Type-checks a resource against the identity provider's schemas before it is mapped or stored.
    private func validate(_ resource: JSONValue, _ kind: ScimResourceType, _ principal: ScimPrincipal, logger: Logger) async throws {
        guard resource.objectValue != nil else { throw ScimError.invalidSyntax("A \(kind.name.lowercased()) must be a JSON object.") }
        // Groups have no tenant extensions: the standard registry is the whole truth, without a lookup.
        let registry = kind == .user ? try await schemas.registry(for: principal, logger: logger) : .standard
        try ResourceValidator(registry: registry, resourceType: kind).validate(resource)
    }
}
