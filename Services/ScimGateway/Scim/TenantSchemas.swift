import Foundation
import InternalAPI
import Logging
import ScimCore
import ScimPatch
import ServiceClients
import ServiceKit

/// The schemas an identity provider's SCIM endpoint really serves: RFC 7643's, with the attributes its tenant's
/// mandatory identity attributes are mapped from marked required, and the custom attributes mapped from extension
/// URNs (Okta's `urn:ietf:params:scim:schemas:extension:custom:2.0:User`, Entra's `…:extension:<App>:2.0:User`)
/// published as extension schemas. Built from the mapping service's view and kept for `ttl` (a ``RenewingCache``:
/// one request renews an expired registry while the others use the old one, which is also served while the mapping
/// service cannot be reached). A change made through this replica (``invalidate(tenantID:)``) is never served stale.
final class TenantSchemas: Sendable {
    private let mapping: any MappingClient
    private let cache: RenewingCache<String, SchemaRegistry>

    init(mapping: any MappingClient, ttl: Duration = .seconds(30)) {
        self.mapping = mapping
        self.cache = RenewingCache(ttl: ttl, failedRenewal: .serveStale, name: "schema")
    }

    func registry(for principal: ScimPrincipal, logger: Logger) async throws -> SchemaRegistry {
        try await cache.value(
            for: principal.tenantID + "/" + principal.idpID,
            fetch: { Self.registry(from: try await mapping.identitySchema(tenantID: principal.tenantID, idpID: principal.idpID, logger: logger)) },
            servedStale: { error in
                logger.warning("Serving the identity provider's schemas built before: refreshing them failed", metadata: ["error": "\(error)"])
            }
        )
    }

    /// Forgets what this replica built for a tenant, after its attributes or mappings changed here; other replicas
    /// pick the change up within `ttl`.
    func invalidate(tenantID: String) {
        cache.invalidate { key, _ in key.hasPrefix(tenantID + "/") }
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
                        name: path.attribute.attribute,
                        type: scimType(of: attribute.type),
                        multiValued: attribute.multiValued,
                        required: attribute.mandatory,
                        description: attribute.description.isEmpty ? attribute.name : attribute.description
                    )
                )
            } else if attribute.mandatory {
                let target = AttributePath(
                    schemaURN: path.attribute.schemaURN,
                    attribute: path.attribute.attribute,
                    subAttribute: path.targetSubAttribute
                )
                registry = registry.requiring(target, resourceType: ScimResourceType.user.name)
            }
        }
        for urn in extensionOrder {
            let name = urn.split(separator: ":").dropLast().last.map(String.init) ?? "Custom"
            let definition = SchemaDefinition(
                id: urn,
                name: "\(name) extension",
                description: "Custom attributes of the tenant's identity providers.",
                attributes: extensions[urn] ?? []
            )
            registry = registry.adding(extension: definition, to: ScimResourceType.user.name, required: false)
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
