import Foundation
import InternalAPI
import Logging
import ScimCore
import ScimPatch
import ServiceClients
import ServiceKit
import Synchronization

/// The schemas an identity provider's SCIM endpoint really serves: RFC 7643's, with the attributes its tenant's
/// mandatory identity attributes are mapped from marked required, and the custom attributes mapped from extension
/// URNs (Okta's `urn:ietf:params:scim:schemas:extension:custom:2.0:User`, Entra's `…:extension:<App>:2.0:User`)
/// published as extension schemas. Built from the mapping service's view and kept for `ttl`.
final class TenantSchemas: Sendable {
    private let mapping: any MappingClient
    private let ttl: Duration
    private let cache = Mutex<[String: (registry: SchemaRegistry, until: ContinuousClock.Instant)]>([:])

    init(mapping: any MappingClient, ttl: Duration = .seconds(30)) {
        self.mapping = mapping
        self.ttl = ttl
    }

    func registry(for principal: ScimPrincipal, logger: Logger) async throws -> SchemaRegistry {
        let key = principal.tenantID + "/" + principal.idpID
        let now = ContinuousClock.now
        if let hit = cache.withLock({ $0[key] }), hit.until > now { return hit.registry }
        let schema = try await mapping.identitySchema(tenantID: principal.tenantID, idpID: principal.idpID, logger: logger)
        let registry = Self.registry(from: schema)
        cache.withLock { $0[key] = (registry, now.advanced(by: ttl)) }
        return registry
    }

    /// Forgets what this replica built for a tenant, after its attributes or mappings changed here; other replicas
    /// pick the change up within `ttl`.
    func invalidate(tenantID: String) {
        cache.withLock { cache in cache = cache.filter { !$0.key.hasPrefix(tenantID + "/") } }
    }

    static func registry(from schema: IdentitySchema, base: SchemaRegistry = .standard) -> SchemaRegistry {
        var registry = base
        var extensions: [String: [AttributeDefinition]] = [:]
        var extensionOrder: [String] = []
        for attribute in schema.attributes {
            guard let text = attribute.scimPath, let path = try? PatchPath(parsing: text) else { continue }
            if let urn = path.attribute.schemaURN, base.schema(id: urn) == nil {
                if extensions[urn] == nil { extensionOrder.append(urn) }
                extensions[urn, default: []].append(
                    AttributeDefinition(
                        name: path.attribute.attribute, type: scimType(of: attribute.type), multiValued: attribute.multiValued,
                        required: attribute.mandatory, description: attribute.description.isEmpty ? attribute.name : attribute.description))
            } else if attribute.mandatory {
                let target = AttributePath(schemaURN: path.attribute.schemaURN, attribute: path.attribute.attribute, subAttribute: path.targetSubAttribute)
                registry = registry.requiring(target, resourceType: "User")
            }
        }
        for urn in extensionOrder {
            let name = urn.split(separator: ":").dropLast().last.map(String.init) ?? "Custom"
            let definition = SchemaDefinition(
                id: urn, name: "\(name) extension", description: "Custom attributes of the tenant's identity providers.", attributes: extensions[urn] ?? [])
            registry = registry.adding(extension: definition, to: "User", required: false)
        }
        return registry
    }

    private static func scimType(of identityType: String) -> AttributeType {
        switch identityType {
        case "number": .decimal
        case "boolean": .boolean
        case "date": .dateTime
        default: .string
        }
    }
}
